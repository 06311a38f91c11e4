#include "apps/relay_process.h"

#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/address_text.h"

extern char** environ;

namespace tquic::apps {
namespace {

// Reads one line with a deadline of `ms` milliseconds.
bool read_line(int fd, std::string& line, int ms) {
  line.clear();
  char c;
  while (ms > 0) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) {
      ms -= 100;
      continue;
    }
    if (::read(fd, &c, 1) != 1) return false;
    if (c == '\n') return true;
    line.push_back(c);
  }
  return false;
}

}  // namespace

RelayProcess::~RelayProcess() { stop(); }

bool RelayProcess::start(const std::string& binary, const NetAddress& upstream,
                         const std::vector<std::string>& args, std::string& error) {
  int pipefd[2];
  if (::pipe(pipefd) != 0) return (error = "cannot create a pipe for the relay"), false;
  std::vector<std::string> argv_s{binary, "--listen", "127.0.0.1:0", "--upstream", io::format_address(upstream),
                                  "--stats"};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
  posix_spawn_file_actions_addclose(&fa, pipefd[0]);
  const int rc = posix_spawn(&pid_, binary.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipefd[1]);
  out_fd_ = pipefd[0];
  if (rc != 0) return (error = "cannot start " + binary + " (build it with scripts/setup, or use --no-relay)"), false;
  std::string line;
  if (!read_line(out_fd_, line, 5000)) return (error = "tquic-relay did not report its address"), false;
  // "relay: listening on IP:PORT, upstream ..."
  const auto at = line.find("listening on ");
  const auto comma = line.find(',', at);
  if (at == std::string::npos) return (error = "unexpected relay output: " + line), false;
  const std::string addr = line.substr(at + 13, comma == std::string::npos ? std::string::npos : comma - at - 13);
  return io::parse_address(addr, listen_, error);
}

std::string RelayProcess::stop() {
  std::string out;
  if (pid_ > 0) {
    ::kill(pid_, SIGINT);
    std::string line;
    while (read_line(out_fd_, line, 2000)) out += line + "\n";
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (out_fd_ >= 0) ::close(out_fd_);
  out_fd_ = -1;
  return out;
}

}  // namespace tquic::apps
