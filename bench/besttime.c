/*
 * besttime.c -- runs a command several times and prints the best wall
 * clock time in milliseconds (CLOCK_MONOTONIC around fork/exec/wait).
 *
 *   besttime RUNS OUT CMD [ARG...]
 *
 * The command's stdout goes to OUT (use /dev/null to discard it); its
 * stderr is inherited.  Exit status 1 when any run fails.
 */
#define _POSIX_C_SOURCE 200809L
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fprintf(stderr, "usage: besttime RUNS OUT CMD [ARG...]\n");
        return 2;
    }
    int runs = atoi(argv[1]);
    double best = -1;
    for (int r = 0; r < (runs > 0 ? runs : 1); r++) {
        double t0 = now_ms();
        pid_t pid = fork();
        if (pid < 0) {
            perror("besttime: fork");
            return 1;
        }
        if (pid == 0) {
            int fd = open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd < 0 || dup2(fd, 1) < 0) {
                perror(argv[2]);
                _exit(127);
            }
            close(fd);
            execvp(argv[3], argv + 3);
            perror(argv[3]);
            _exit(127);
        }
        int status;
        if (waitpid(pid, &status, 0) < 0) {
            perror("besttime: waitpid");
            return 1;
        }
        double ms = now_ms() - t0;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "besttime: %s failed (status %d)\n", argv[3], status);
            return 1;
        }
        if (best < 0 || ms < best)
            best = ms;
    }
    printf("%.2f\n", best);
    return 0;
}
