// SIGINT/SIGTERM as a flag: the handler only records the request; event
// loops check stop_requested() every turn (their waits are bounded and are
// interrupted by the signal), finish cleanly and report. A second signal
// while stopping ends the process at once (exit status 130).
#pragma once

namespace tquic::runtime {

// Installs the handlers (without SA_RESTART, so a blocking wait returns).
void install_stop_signals();
bool stop_requested();
// The first signal that asked to stop (SIGINT or SIGTERM); 0 if none did
// (request_stop() or no stop yet). Kept by clear_stop_request().
int stop_signal_number();
// Asks every loop in the process to stop (also used by tests).
void request_stop();
// Forgets an earlier request (tests run several loops in one process).
void clear_stop_request();

}  // namespace tquic::runtime
