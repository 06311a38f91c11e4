// Starts tquic-relay (the userspace impairment relay) as a child process and
// learns the port it listens on from its first line of output.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "base/net_address.h"

namespace tquic::apps {

class RelayProcess {
 public:
  ~RelayProcess();
  // `args` are extra relay options (--delay 20ms ...). False with an error.
  bool start(const std::string& binary, const NetAddress& upstream, const std::vector<std::string>& args,
             std::string& error);
  const NetAddress& listen_address() const { return listen_; }
  // Stops the relay and returns its statistics output.
  std::string stop();

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  NetAddress listen_;
};

}  // namespace tquic::apps
