/* The doctag CLI's subcommands that live in their own files. Each takes
 * argv with argv[0] the subcommand's name and returns the exit status
 * (0 success, 1 failure, 2 usage). */
#ifndef DOCTAG_TOOLS_CLI_H
#define DOCTAG_TOOLS_CLI_H

int cmd_batch(int argc, char **argv);
int cmd_worker(int argc, char **argv);
int cmd_tag(int argc, char **argv);

#endif
