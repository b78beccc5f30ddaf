" Vim syntax file
" Language:   modelc schema (*.model)
" Installed:  $(datadir)/vim/vimfiles/syntax/modelc.vim, with ftdetect/modelc.vim

if exists("b:current_syntax")
  finish
endif

syn keyword modelcDecl        model enum table nextgroup=modelcName skipwhite
syn match   modelcName        contained "\<[A-Za-z_][A-Za-z0-9_]*\>"
syn keyword modelcType        Integer BigInteger SmallInteger Float Numeric Boolean String Text
syn keyword modelcType        DateTime Date Time LargeBinary JSON
syn keyword modelcAttribute   primary_key autoincrement index unique not_null default server_default
syn keyword modelcAttribute   foreign_key check column renamed_from relationship
syn match   modelcOption      "\<[A-Za-z_][A-Za-z0-9_]*\ze\s*:"
syn keyword modelcConstant    true false null now cascade set_null set_default restrict no_action
syn keyword modelcConstant    select dynamic joined delete asc desc
syn match   modelcNumber      "-\=\<\d\+\(\.\d\+\)\=\>"
syn region  modelcString      start=+"+ skip=+\\\\\|\\"+ end=+"+ oneline contains=modelcEscape
syn match   modelcEscape      contained +\\[\\"nt]+
syn match   modelcQuoted      "`[A-Za-z_][A-Za-z0-9_]*`"
syn match   modelcComment     "#.*$" contains=modelcTodo,@Spell
syn match   modelcComment     "//.*$" contains=modelcTodo,@Spell
syn region  modelcComment     start="/\*" end="\*/" contains=modelcTodo,@Spell
syn keyword modelcTodo        contained TODO FIXME XXX NOTE
" A query's body is SQL, kept as written: from `query` to the line that
" closes it, only its parameters and SQL strings are marked.
syn region  modelcQuery       matchgroup=modelcDecl start="^\s*\zsquery\>" end="^\s*}" contains=modelcDecl,modelcType,modelcSqlParam,modelcSqlString,modelcComment
syn match   modelcSqlParam    contained ":[A-Za-z_][A-Za-z0-9_]*"
syn region  modelcSqlString   contained start=+'+ end=+'+

hi def link modelcDecl       Keyword
hi def link modelcName       Identifier
hi def link modelcType       Type
hi def link modelcAttribute  Statement
hi def link modelcOption     Special
hi def link modelcConstant   Constant
hi def link modelcNumber     Number
hi def link modelcString     String
hi def link modelcEscape     SpecialChar
hi def link modelcQuoted     Identifier
hi def link modelcComment    Comment
hi def link modelcTodo       Todo
hi def link modelcSqlParam   PreProc
hi def link modelcSqlString  String

syn sync fromstart

let b:current_syntax = "modelc"
