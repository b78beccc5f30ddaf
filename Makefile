# modelc -- schema-to-C compiler and its SQLite runtime.
#
#   make            build/modelc, build/libmodelc.a, build/libmodelc.so
#   make check      every test suite, then again under ASan + UBSan, then valgrind
#   make demo       the seed walk-through (examples/blog)
#   make bench      benchmarks (front end, generated code vs hand-written C, migrations)
#   make bench-compile  gcc -O2 CPU and memory of generated code for 200/1,000/2,000 models
#   make install    PREFIX=/usr/local DESTDIR= (bindir, libdir, includedir, mandir, datadir too)
#   make uninstall  the same variables: removes what install wrote
#   make deps       install the Debian packages the build needs
#   make fuzz       libFuzzer targets (clang), FUZZ_SECONDS=N each; built in build/fuzz/
#   make fuzz-migrations SEED=1 CASES=1000 [MINUTES=15]   the randomized migration test, as long as asked

PREFIX    ?= /usr/local
prefix    ?= $(PREFIX)
DESTDIR   ?=
BUILD     ?= build
CC        ?= cc
SAN       ?=
BISON     ?= bison
FLEX      ?= flex

VERSION   := 0.1.0
WARN      := -Wall -Wextra -Wpedantic
OPT       ?= -O2 -g
CPPFLAGS  += -D_POSIX_C_SOURCE=200809L -DMODELC_VERSION='"$(VERSION)"'
CFLAGS    ?=
ALL_CFLAGS = -std=c11 $(WARN) $(OPT) $(SAN) $(CFLAGS)
SQLITE_LIBS := $(shell pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3)
# libpq-fe.h for the PostgreSQL driver; libpq itself is loaded at run time (runtime/pg_libpq.h)
PQ_CFLAGS    := $(shell pkg-config --cflags libpq 2>/dev/null || echo -I/usr/include/postgresql)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt -lpthread)

DEB_PACKAGES := flex bison check libsqlite3-dev pkg-config sqlite3 valgrind python3-flask-sqlalchemy python3-flask-migrate \
                postgresql libpq-dev clang libclang-rt-14-dev graphviz

# ---- sources (picked up by wildcard: add a file, not a rule) -------------
# The compiler by stage (README, "Layout"): gen/front (schema language),
# gen/sql (DDL), gen/cgen (C emitters), gen/migrate (diff, plan, files),
# gen/tools (inspect, erd, fmt), gen/cli (commands), gen/base (helpers).
GEN_DIRS     := $(sort $(patsubst %/,%,$(dir $(wildcard gen/*/*.c gen/*/*.h))))
GEN_SRC      := $(filter-out gen/cli/main.c,$(wildcard gen/*.c gen/*/*.c))
RT_SRC       := $(wildcard runtime/*.c)
TEMPLATES    := $(sort $(wildcard templates/*.in))
TEST_SRC     := $(wildcard tests/unit/test_*.c)
TEST_SUPPORT := $(wildcard tests/unit/support/*.c)

GEN_OBJ  := $(GEN_SRC:%.c=$(BUILD)/%.o) $(BUILD)/grammar/parser.o $(BUILD)/grammar/lexer.o \
            $(BUILD)/templates.o
RT_OBJ   := $(RT_SRC:%.c=$(BUILD)/%.o)
RT_PIC   := $(RT_SRC:%.c=$(BUILD)/pic/%.o)
TESTS    := $(TEST_SRC:tests/unit/%.c=$(BUILD)/tests/%)
SUPPORT_OBJ := $(TEST_SUPPORT:%.c=$(BUILD)/%.o)

INC := -Igen $(addprefix -I,$(GEN_DIRS)) -Iruntime -I$(BUILD)/grammar

.PHONY: all check check-run check-suites check-asan check-valgrind demo bench bench-compile stress clean install uninstall deps \
        fuzz fuzz-build check-fuzz fuzz-migrations
all: $(BUILD)/modelc $(BUILD)/libmodelc.a $(BUILD)/libmodelc.so $(BUILD)/modelc.pc

# ---- grammar ---------------------------------------------------------------
$(BUILD)/grammar/parser.c $(BUILD)/grammar/parser.h &: grammar/parser.y
	@mkdir -p $(dir $@)
	$(BISON) -Wall -Werror --defines=$(BUILD)/grammar/parser.h -o $(BUILD)/grammar/parser.c $<

$(BUILD)/grammar/lexer.c $(BUILD)/grammar/lexer.h &: grammar/lexer.l
	@mkdir -p $(dir $@)
	$(FLEX) --header-file=$(BUILD)/grammar/lexer.h -o $(BUILD)/grammar/lexer.c $<

# flex's skeleton has unused helpers and signed/unsigned mixes we do not own.
$(BUILD)/grammar/lexer.o: $(BUILD)/grammar/lexer.c $(BUILD)/grammar/parser.h
	$(CC) $(CPPFLAGS) $(INC) $(ALL_CFLAGS) -Wno-unused-function -Wno-sign-compare -c -o $@ $<
$(BUILD)/grammar/parser.o: $(BUILD)/grammar/parser.c $(BUILD)/grammar/lexer.h
	$(CC) $(CPPFLAGS) $(INC) $(ALL_CFLAGS) -c -o $@ $<

# ---- templates, embedded into the binary ---------------------------------
$(BUILD)/embed: templates/embed.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 $(WARN) -O1 -o $@ $<
$(BUILD)/templates.c: $(BUILD)/embed $(TEMPLATES)
	$(BUILD)/embed $(TEMPLATES) > $@.tmp && mv $@.tmp $@
$(BUILD)/templates.o: $(BUILD)/templates.c
	$(CC) $(CPPFLAGS) $(INC) $(ALL_CFLAGS) -c -o $@ $<

# ---- compiler ------------------------------------------------------------
$(BUILD)/gen/%.o: gen/%.c $(BUILD)/grammar/parser.h $(BUILD)/grammar/lexer.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/libmodelcgen.a: $(GEN_OBJ)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/modelc: $(BUILD)/gen/cli/main.o $(BUILD)/libmodelcgen.a $(BUILD)/libmodelc.a
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $^ $(SQLITE_LIBS)

# ---- runtime -------------------------------------------------------------
$(BUILD)/runtime/%.o: runtime/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC) $(PQ_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<
$(BUILD)/pic/runtime/%.o: runtime/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC) $(PQ_CFLAGS) $(ALL_CFLAGS) -fPIC -fvisibility=hidden -DMC_BUILDING_SHARED -MMD -MP -c -o $@ $<

$(BUILD)/libmodelc.a: $(RT_OBJ)
	rm -f $@ && ar rcs $@ $^
$(BUILD)/libmodelc.so: $(RT_PIC)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -shared -Wl,-soname,libmodelc.so.0 -o $@ $^ $(SQLITE_LIBS)

$(BUILD)/modelc.pc: modelc.pc.in
	@mkdir -p $(dir $@)
	sed -e 's|@PREFIX@|$(prefix)|g' -e 's|@VERSION@|$(VERSION)|g' -e 's|@LIBDIR@|$(prefix)/lib|g' \
	    -e 's|@INCLUDEDIR@|$(prefix)/include|g' $< > $@

# ---- tests ---------------------------------------------------------------
$(BUILD)/tests/unit/support/%.o: tests/unit/support/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC) $(CHECK_CFLAGS) $(ALL_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(SUPPORT_OBJ) $(BUILD)/libmodelcgen.a $(BUILD)/libmodelc.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(INC) -Itests/unit/support $(CHECK_CFLAGS) $(ALL_CFLAGS) $(LDFLAGS) -MMD -MP -o $@ $< \
	    $(SUPPORT_OBJ) $(BUILD)/libmodelcgen.a $(BUILD)/libmodelc.a $(SQLITE_LIBS) $(CHECK_LIBS)

# Runs every suite; the environment tells tests where the tools are.
# CK_FORK stays on so that a crash in one test is reported, not fatal.
# One throwaway PostgreSQL server serves every suite (tests/pg/with-postgres.sh).
check-run: all $(TESTS)
	@sh tests/pg/with-postgres.sh $(MAKE) --no-print-directory check-suites

check-suites:
	@set -e; fail=0; \
	for t in $(TESTS); do \
	    echo "== $$t"; \
	    MODELC=$(abspath $(BUILD)/modelc) MODELC_BUILD=$(abspath $(BUILD)) \
	    MODELC_CFLAGS="$(SAN)" MODELC_SRC=$(CURDIR) \
	        $$t || fail=1; \
	done; \
	echo "== tests/fuzz_migrations.py (seeds 1 and 2, $(FUZZ_MIGRATIONS_CASES) cases each)"; \
	for seed in 1 2; do \
	    python3 tests/fuzz_migrations.py --modelc $(abspath $(BUILD)/modelc) --seed $$seed \
	        --cases $(FUZZ_MIGRATIONS_CASES) --shrink-seconds 20 || fail=1; \
	done; \
	exit $$fail

# The randomized differential migration test (tests/fuzz_migrations.py):
# make check runs a fixed few hundred cases; make fuzz-migrations as many as asked.
FUZZ_MIGRATIONS_CASES ?= 120
SEED    ?= 1
CASES   ?= 1000
MINUTES ?=
fuzz-migrations: all
	python3 tests/fuzz_migrations.py --modelc $(abspath $(BUILD)/modelc) --seed $(SEED) --cases $(CASES) \
	    $(if $(MINUTES),--minutes $(MINUTES)) --max-versions 6 --stats

check: all
	$(MAKE) --no-print-directory check-run
	$(MAKE) --no-print-directory check-asan
	$(MAKE) --no-print-directory check-valgrind
	$(MAKE) --no-print-directory check-fuzz
	@echo "make check: all suites passed (plain, ASan+UBSan, valgrind, fuzz smoke)"

check-asan:
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	$(MAKE) --no-print-directory BUILD=build/asan OPT="-O1 -g" FUZZ_MIGRATIONS_CASES=25 \
	    SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" check-run

check-valgrind: all
	@sh tests/pg/with-postgres.sh sh tests/valgrind.sh $(BUILD)

demo: all
	$(MAKE) -C examples/blog MODELC_BUILD=$(abspath $(BUILD)) run

bench: all
	@sh bench/run.sh $(BUILD)

# Build cost of generated code: gcc -O2 of 200/1,000/2,000-model schemas,
# one source and --split (minutes of CPU: not part of make bench).
COMPILE_SIZES ?= 200 1000 2000
bench-compile: all
	@sh bench/compile_scale.sh $(BUILD) $(COMPILE_SIZES)

stress: all
	@sh tests/stress.sh $(BUILD)

clean:
	rm -rf build

# ---- fuzzing (libFuzzer) ---------------------------------------------------
# tests/fuzz/fuzz_<target>.c, each linked against the whole compiler and
# runtime built by clang with ASan+UBSan in build/fuzz/ (the normal build is
# not touched).  Seeds are tests/fuzz/<target>/; what a run finds goes to
# build/fuzz/corpus/<target>/, crashes to build/fuzz/artifacts/.
FUZZ_CC       ?= clang
FUZZ_SECONDS  ?= 60
FUZZ_ARGS     ?=
FUZZ_BUILD    := build/fuzz
FUZZ_TARGETS  := schema migrations values
FUZZ_SAN      := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

fuzz-build:
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=$(FUZZ_CC) OPT="-O1 -g" SAN="$(FUZZ_SAN)" \
	    $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(wildcard tests/fuzz/*.h) $(BUILD)/libmodelcgen.a $(BUILD)/libmodelc.a
	$(CC) $(CPPFLAGS) $(INC) -Itests/fuzz $(ALL_CFLAGS) -fsanitize=fuzzer -o $@ $< \
	    $(BUILD)/libmodelcgen.a $(BUILD)/libmodelc.a $(SQLITE_LIBS)

# make fuzz FUZZ_SECONDS=N: each target N seconds, one after the other,
# then the generated C of a sample of the accepted schemas is compiled.
fuzz: fuzz-build all
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) "$(FUZZ_ARGS)" $(FUZZ_TARGETS)
	@sh tests/fuzz/compile_sample.sh $(BUILD)/modelc 20 tests/fuzz/schema $(FUZZ_BUILD)/corpus/schema

# The smoke test of make check: a few seconds each, and the seed schemas'
# C compiled; skipped, saying so, where clang or libFuzzer is missing.
check-fuzz: all
	@if sh tests/fuzz/have_libfuzzer.sh $(FUZZ_CC); then \
	    $(MAKE) --no-print-directory fuzz-build && \
	    sh tests/fuzz/run.sh $(FUZZ_BUILD) 4 "" $(FUZZ_TARGETS) && \
	    sh tests/fuzz/compile_sample.sh $(BUILD)/modelc 0 tests/fuzz/schema; \
	else echo "check-fuzz: skipped: $(FUZZ_CC) with libFuzzer not found (make deps installs clang and libclang-rt-14-dev)"; fi

# ---- install / uninstall (GNU directory variables; DESTDIR for staging) ----
# `make install PREFIX=/usr libdir=/usr/lib/x86_64-linux-gnu` as a Debian
# package would.  modelc.pc and the CMake package point at the libdir and
# includedir given here.  uninstall removes exactly what install wrote.
bindir      ?= $(prefix)/bin
libdir      ?= $(prefix)/lib
includedir  ?= $(prefix)/include
datadir     ?= $(prefix)/share
mandir      ?= $(datadir)/man
docdir      ?= $(datadir)/doc/modelc
pkgconfigdir ?= $(libdir)/pkgconfig
cmakedir    ?= $(libdir)/cmake/modelc
bashcompdir ?= $(datadir)/bash-completion/completions
vimdir      ?= $(datadir)/vim/vimfiles

INSTALL_SUBST = sed -e 's|@PREFIX@|$(prefix)|g' -e 's|@VERSION@|$(VERSION)|g' -e 's|@BINDIR@|$(bindir)|g' \
                    -e 's|@LIBDIR@|$(libdir)|g' -e 's|@INCLUDEDIR@|$(includedir)|g'
INSTALLED_FILES = $(bindir)/modelc $(libdir)/libmodelc.a $(libdir)/libmodelc.so.0 $(libdir)/libmodelc.so \
    $(includedir)/modelc.h $(pkgconfigdir)/modelc.pc \
    $(cmakedir)/modelcConfig.cmake $(cmakedir)/modelcConfigVersion.cmake \
    $(mandir)/man1/modelc.1 $(mandir)/man5/modelc-schema.5 \
    $(docdir)/language.md $(docdir)/commands.md $(docdir)/README.md $(docdir)/LICENSE \
    $(bashcompdir)/modelc $(vimdir)/syntax/modelc.vim $(vimdir)/ftdetect/modelc.vim

install: all
	install -d $(DESTDIR)$(bindir) $(DESTDIR)$(libdir) $(DESTDIR)$(includedir) $(DESTDIR)$(pkgconfigdir) \
	    $(DESTDIR)$(cmakedir) $(DESTDIR)$(mandir)/man1 $(DESTDIR)$(mandir)/man5 $(DESTDIR)$(docdir) \
	    $(DESTDIR)$(bashcompdir) $(DESTDIR)$(vimdir)/syntax $(DESTDIR)$(vimdir)/ftdetect
	install -m 755 $(BUILD)/modelc $(DESTDIR)$(bindir)/modelc
	install -m 644 $(BUILD)/libmodelc.a $(DESTDIR)$(libdir)/libmodelc.a
	install -m 755 $(BUILD)/libmodelc.so $(DESTDIR)$(libdir)/libmodelc.so.0
	ln -sf libmodelc.so.0 $(DESTDIR)$(libdir)/libmodelc.so
	install -m 644 runtime/modelc.h $(DESTDIR)$(includedir)/modelc.h
	$(INSTALL_SUBST) modelc.pc.in > $(DESTDIR)$(pkgconfigdir)/modelc.pc
	$(INSTALL_SUBST) dist/cmake/modelcConfig.cmake.in > $(DESTDIR)$(cmakedir)/modelcConfig.cmake
	$(INSTALL_SUBST) dist/cmake/modelcConfigVersion.cmake.in > $(DESTDIR)$(cmakedir)/modelcConfigVersion.cmake
	install -m 644 man/modelc.1 $(DESTDIR)$(mandir)/man1/modelc.1
	install -m 644 man/modelc-schema.5 $(DESTDIR)$(mandir)/man5/modelc-schema.5
	install -m 644 docs/language.md docs/commands.md README.md LICENSE $(DESTDIR)$(docdir)/
	install -m 644 dist/bash-completion/modelc $(DESTDIR)$(bashcompdir)/modelc
	install -m 644 dist/vim/syntax/modelc.vim $(DESTDIR)$(vimdir)/syntax/modelc.vim
	install -m 644 dist/vim/ftdetect/modelc.vim $(DESTDIR)$(vimdir)/ftdetect/modelc.vim

uninstall:
	rm -f $(addprefix $(DESTDIR),$(INSTALLED_FILES))
	rmdir $(DESTDIR)$(cmakedir) $(DESTDIR)$(docdir) 2>/dev/null || true

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	    dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -z "$$missing" ]; then echo "deps: all installed"; exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	else \
	    echo "deps: missing:$$missing"; \
	    echo "run: sudo apt-get install -y$$missing"; exit 1; \
	fi

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
