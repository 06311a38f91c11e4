// Real processes on loopback for the end-to-end tests: `tquic serve`,
// `tquic get` and `tquic-relay` are started from the build tree, their
// output captured, and every process is stopped by its pid when the test
// ends (no process outlives its test).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/time.h"

namespace tquic::e2e {

const std::string& tquic_binary();
const std::string& relay_binary();

class Process {
 public:
  // Starts `args` (args[0] is the binary) with `env` added to the environment.
  // With `own_group`, it leads a process group of its own, and every kill
  // (timeout, destructor) goes to the whole group: for programs that start
  // helpers of their own, like a browser.
  Process(const std::vector<std::string>& args, const std::vector<std::string>& env = {}, bool own_group = false);
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  // Reads stdout until a line contains `needle`; that line, or "" on timeout/EOF.
  std::string wait_for_line(const std::string& needle, Duration timeout);
  // Waits for the exit (SIGKILL after `timeout`); the exit status, -1 if killed.
  int wait(Duration timeout);
  // SIGTERM, then wait(timeout).
  int stop(Duration timeout);
  const std::string& out() const { return out_; }
  const std::string& err() const { return err_; }
  pid_t pid() const { return pid_; }

 private:
  bool pump(int timeout_ms);  // reads what is available; false at EOF on both

  void kill_all(int sig);
  pid_t pid_ = -1;
  pid_t group_ = -1;  // own process group, if any
  int out_fd_ = -1;
  int err_fd_ = -1;
  std::string out_, err_;
  std::size_t scanned_ = 0;
  int status_ = -1;
};

// A tquic server on 127.0.0.1 serving `root`.
class Server {
 public:
  Server(const std::string& root, std::vector<std::string> extra = {});
  std::uint16_t port() const { return port_; }
  bool ok() const { return port_ != 0; }
  // Stops it (SIGTERM; again: no-op) and returns everything it printed.
  std::string stop();
  // After stop(): 0 when it shut down cleanly (a sanitizer report or a
  // leak at exit makes it non-zero).
  int exit_status() const { return status_; }
  Process& process() { return proc_; }

 private:
  Process proc_;
  std::uint16_t port_ = 0;
  int status_ = -1;
};

// tquic-relay forwarding to 127.0.0.1:`upstream` with the given options.
class Relay {
 public:
  Relay(std::uint16_t upstream, std::vector<std::string> options);
  std::uint16_t port() const { return port_; }
  bool ok() const { return port_ != 0; }

 private:
  Process proc_;
  std::uint16_t port_ = 0;
};

struct RunResult {
  int status = -1;
  std::string out;
  std::string err;
};

// Runs `tquic` with `args` to completion (killed after `timeout`).
RunResult run_tquic(const std::vector<std::string>& args, Duration timeout = 60s,
                    const std::vector<std::string>& env = {});

// Deterministic file content (xorshift), written to `path`.
void write_pattern_file(const std::string& path, std::uint64_t size, std::uint64_t seed);
std::string sha256_file(const std::string& path);
std::string make_temp_dir();
void remove_tree(const std::string& path);

}  // namespace tquic::e2e
