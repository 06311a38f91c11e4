// Shared setup of the end-to-end tests: a temporary tree with files of
// chosen sizes, a running `tquic serve`, optionally `tquic-relay` in front
// of it, and a helper that runs `tquic get` against it.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>

#include "e2e_helpers.h"
#include "io/engine_select.h"

namespace tquic::e2e {

struct E2e {
  std::string dir = make_temp_dir();
  std::string root = dir + "/root";
  std::string out = dir + "/out";
  std::map<std::string, std::string> sha;  // file name -> SHA-256
  std::unique_ptr<Server> server;
  std::unique_ptr<Relay> relay;

  E2e() { std::filesystem::create_directories(root); }
  ~E2e() {
    relay.reset();
    if (server) {
      const std::string printed = server->stop();
      EXPECT_EQ(server->exit_status(), 0) << "tquic serve did not shut down cleanly:\n" << printed;
    }
    server.reset();
    remove_tree(dir);
  }

  void add_file(const std::string& name, std::uint64_t size) {
    write_pattern_file(root + "/" + name, size, sha.size() + 1);
    sha[name] = sha256_file(root + "/" + name);
  }
  // Starts the server (and the relay when `relay_options` is not empty).
  void start(std::vector<std::string> server_args = {}, std::vector<std::string> relay_options = {}) {
    server = std::make_unique<Server>(root, std::move(server_args));
    ASSERT_TRUE(server->ok()) << server->stop();
    if (!relay_options.empty()) {
      relay = std::make_unique<Relay>(server->port(), std::move(relay_options));
      ASSERT_TRUE(relay->ok());
    }
  }
  std::uint16_t port() const { return relay ? relay->port() : server->port(); }
  std::string url(const std::string& name) const {
    return "https://127.0.0.1:" + std::to_string(port()) + "/" + name;
  }
  // `tquic get --insecure --output out <args> <urls of names>`.
  RunResult get(const std::vector<std::string>& names, std::vector<std::string> args = {}, Duration timeout = 60s,
                const std::vector<std::string>& env = {}) {
    std::vector<std::string> a{"get", "--insecure", "--output", out};
    a.insert(a.end(), args.begin(), args.end());
    for (const auto& n : names) a.push_back(url(n));
    return run_tquic(a, timeout, env);
  }
  // Every named file arrived intact, and `tquic get` printed its digest.
  void expect_intact(const RunResult& r, const std::vector<std::string>& names) {
    for (const auto& n : names) {
      EXPECT_EQ(sha256_file(out + "/" + n), sha.at(n)) << n;
      EXPECT_NE(r.out.find("sha256 " + sha.at(n)), std::string::npos) << n << "\n" << r.out;
    }
  }
};

inline bool uring_usable() { return io::uring_support().usable; }

// Engines to run a test under: mmsg always, io_uring when this kernel allows it.
inline std::vector<std::string> engines() {
  std::vector<std::string> e{"mmsg"};
  if (uring_usable()) e.push_back("uring");
  return e;
}

}  // namespace tquic::e2e
