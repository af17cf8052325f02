/* The commands of `tandem`, one file each (host/cmd_NAME.c). Each takes
 * the arguments after "tandem" (argv[0] is the command name) and returns
 * the process exit code: 0 done, 1 a run-time failure, 2 bad input. Only
 * main.c ends the process. */
#ifndef TANDEM_CMD_H
#define TANDEM_CMD_H

int cmd_list(int argc, char **argv);
int cmd_scan(int argc, char **argv);
/* replay and run (argv[0] tells which) */
int cmd_replay(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_mine(int argc, char **argv);
int cmd_flash(int argc, char **argv);

#endif /* TANDEM_CMD_H */
