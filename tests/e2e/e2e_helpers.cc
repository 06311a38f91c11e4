#include "e2e_helpers.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

extern char** environ;

namespace tquic::e2e {
namespace {

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t to_ms(Duration d) { return std::chrono::duration_cast<std::chrono::milliseconds>(d).count(); }

std::uint16_t port_after(const std::string& line, const std::string& marker) {
  const auto at = line.find(marker);
  if (at == std::string::npos) return 0;
  return static_cast<std::uint16_t>(std::atoi(line.c_str() + at + marker.size()));
}

}  // namespace

const std::string& tquic_binary() {
  static const std::string p = TQUIC_BINARY_DIR "/src/tquic";
  return p;
}

const std::string& relay_binary() {
  static const std::string p = TQUIC_BINARY_DIR "/tools/tquic-relay";
  return p;
}

Process::Process(const std::vector<std::string>& args, const std::vector<std::string>& env, bool own_group) {
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) return;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&fa, err[1], STDERR_FILENO);
  std::vector<std::string> envs;
  for (char** e = environ; *e; ++e) envs.emplace_back(*e);
  envs.insert(envs.end(), env.begin(), env.end());
  std::vector<char*> argv, envp;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  for (const auto& e : envs) envp.push_back(const_cast<char*>(e.c_str()));
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  if (own_group) {
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP);
    posix_spawnattr_setpgroup(&attr, 0);
  }
  if (posix_spawn(&pid_, args[0].c_str(), &fa, &attr, argv.data(), envp.data()) != 0) pid_ = -1;
  if (own_group && pid_ > 0) group_ = pid_;
  posix_spawnattr_destroy(&attr);
  posix_spawn_file_actions_destroy(&fa);
  ::close(out[1]);
  ::close(err[1]);
  out_fd_ = out[0];
  err_fd_ = err[0];
}

void Process::kill_all(int sig) {
  if (group_ > 0) ::kill(-group_, sig);  // helpers may outlive the leader
  else if (pid_ > 0) ::kill(pid_, sig);
}

Process::~Process() {
  kill_all(SIGKILL);
  if (pid_ > 0) ::waitpid(pid_, nullptr, 0);
  if (out_fd_ >= 0) ::close(out_fd_);
  if (err_fd_ >= 0) ::close(err_fd_);
}

bool Process::pump(int timeout_ms) {
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  if (::poll(fds, 2, timeout_ms) <= 0) return true;
  bool open = false;
  char buf[65536];
  for (int i = 0; i < 2; ++i) {
    if (fds[i].fd < 0) continue;
    if (!(fds[i].revents & (POLLIN | POLLHUP))) {
      open = true;
      continue;
    }
    const ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
    if (n > 0) (i == 0 ? out_ : err_).append(buf, static_cast<std::size_t>(n)), open = true;
    else if (i == 0) ::close(out_fd_), out_fd_ = -1;
    else ::close(err_fd_), err_fd_ = -1;
  }
  return open || out_fd_ >= 0 || err_fd_ >= 0;
}

std::string Process::wait_for_line(const std::string& needle, Duration timeout) {
  const std::int64_t end = now_ms() + to_ms(timeout);
  for (;;) {
    for (auto nl = out_.find('\n', scanned_); nl != std::string::npos; nl = out_.find('\n', scanned_)) {
      const std::string line = out_.substr(scanned_, nl - scanned_);
      scanned_ = nl + 1;
      if (line.find(needle) != std::string::npos) return line;
    }
    const std::int64_t left = end - now_ms();
    if (left <= 0 || (out_fd_ < 0 && err_fd_ < 0)) return {};
    if (!pump(static_cast<int>(std::min<std::int64_t>(left, 100)))) return {};
  }
}

int Process::wait(Duration timeout) {
  if (pid_ <= 0) return status_;
  const std::int64_t end = now_ms() + to_ms(timeout);
  while (out_fd_ >= 0 || err_fd_ >= 0) {  // EOF on both pipes: the process is ending
    const std::int64_t left = end - now_ms();
    if (left <= 0) break;
    pump(static_cast<int>(std::min<std::int64_t>(left, 100)));
  }
  int st = 0;
  while (::waitpid(pid_, &st, WNOHANG) == 0) {
    if (now_ms() >= end) {
      kill_all(SIGKILL);
      ::waitpid(pid_, &st, 0);
      pid_ = -1;
      return status_ = -1;
    }
    ::usleep(10'000);
  }
  pid_ = -1;
  return status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int Process::stop(Duration timeout) {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
  return wait(timeout);
}

Server::Server(const std::string& root, std::vector<std::string> extra)
    : proc_([&] {
        std::vector<std::string> a{tquic_binary(), "serve", "--listen", "127.0.0.1:0", "--root", root};
        a.insert(a.end(), extra.begin(), extra.end());
        return a;
      }()) {
  port_ = port_after(proc_.wait_for_line("listening on", 20s), "listening on 127.0.0.1:");
}

std::string Server::stop() {
  status_ = proc_.stop(20s);
  return proc_.out() + proc_.err();
}

Relay::Relay(std::uint16_t upstream, std::vector<std::string> options)
    : proc_([&] {
        std::vector<std::string> a{relay_binary(), "--listen", "127.0.0.1:0", "--upstream",
                                   "127.0.0.1:" + std::to_string(upstream), "--seed", "7"};
        a.insert(a.end(), options.begin(), options.end());
        return a;
      }()) {
  port_ = port_after(proc_.wait_for_line("listening on", 20s), "listening on 127.0.0.1:");
}

RunResult run_tquic(const std::vector<std::string>& args, Duration timeout, const std::vector<std::string>& env) {
  std::vector<std::string> a{tquic_binary()};
  a.insert(a.end(), args.begin(), args.end());
  Process p(a, env);
  RunResult r;
  r.status = p.wait(timeout);
  r.out = p.out();
  r.err = p.err();
  return r;
}

void write_pattern_file(const std::string& path, std::uint64_t size, std::uint64_t seed) {
  std::ofstream f(path, std::ios::binary);
  std::vector<std::uint64_t> block(8192);
  std::uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
  for (std::uint64_t done = 0; done < size;) {
    for (auto& w : block) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      w = x;
    }
    const std::uint64_t n = std::min<std::uint64_t>(size - done, block.size() * 8);
    f.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
    done += n;
  }
}

std::string sha256_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) return "missing";
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  std::vector<char> buf(1 << 20);
  while (f) {
    f.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    EVP_DigestUpdate(ctx, buf.data(), static_cast<std::size_t>(f.gcount()));
  }
  unsigned char md[32];
  unsigned len = 0;
  EVP_DigestFinal_ex(ctx, md, &len);
  EVP_MD_CTX_free(ctx);
  std::string hex;
  char b[3];
  for (unsigned i = 0; i < len; ++i) std::snprintf(b, sizeof b, "%02x", md[i]), hex += b;
  return hex;
}

std::string make_temp_dir() {
  char t[] = "/tmp/tquic_e2e_XXXXXX";
  return ::mkdtemp(t);
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
}

}  // namespace tquic::e2e
