// Starting this binary's hidden subcommands (`suanli runner`, `suanli
// quantize`) as child processes: fork, then exec with stdin from /dev/null
// and stdout and stderr on a given descriptor (a log file or a pipe). The
// children watch getppid() themselves and end when the server goes away
// (PR_SET_PDEATHSIG would fire when the server *thread* that forked exits).
// Thread-safety: safe from any thread (only async-signal-safe calls between
// fork and exec).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/status.h"

namespace suanli::runner {

// The running binary (/proc/self/exe), or "suanli" when it cannot be read.
std::string SelfExecutable();

// Starts `args` (args[0]: the executable) with stdout and stderr on
// `output_fd` (the caller keeps and closes its copy). Unavailable when fork
// fails; a failed exec ends the child with status 127.
StatusOr<pid_t> SpawnProcess(const std::vector<std::string>& args, int output_fd);

// Exit code a child uses for a failed start or job with `code` (10 + code),
// and the StatusCode back from an exit code (Internal for anything else).
int ChildExitCode(StatusCode code);
StatusCode StatusCodeFromExit(int exit_code);

}  // namespace suanli::runner
