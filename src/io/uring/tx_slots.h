// Engine-owned send memory for the io_uring engine.
//
// send() copies every datagram (or GSO train) into a slot: the caller's
// buffer is free the moment send() returns ("small sends copy", HOTPATH.md
// rule 12), and large trains can go out zero-copy from engine memory that
// is registered with the ring once. A slot is given back only when the
// kernel is done with it: after the send CQE, and for SENDMSG_ZC after the
// notification CQE (IORING_CQE_F_NOTIF) as well.
//
// Slots form a FIFO ring over one byte slab (a bip-buffer): they are taken
// in order and reclaimed in order, so a slot finished early waits for the
// older ones. No free lists, no allocation after construction. When no slot
// or no contiguous room is left, acquire() fails: backpressure to the caller.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "base/bytes.h"
#include "base/net_address.h"
#include "io/datagram.h"

namespace tquic::io {

enum class TxSlotState : std::uint8_t {
  free,            // not in the ring
  reserved,        // lent to the caller by reserve_tx(), not committed yet
  queued,          // filled, waiting to be (re)issued by the next submit
  in_flight,       // an SQE is with the kernel
  awaiting_notif,  // zero-copy send completed; pages pinned until the notif CQE
  done,            // finished; reclaimed once every older slot is done too
};

struct TxSlot {
  std::uint32_t offset = 0;        // payload position in the slab
  std::uint32_t length = 0;        // payload bytes
  std::uint32_t reserved = 0;      // slab bytes held, wrap padding included
  std::uint16_t segment_size = 0;  // GSO segment size; 0 = a single datagram
  std::uint16_t next_segment = 0;  // split mode: next segment to send on its own
  std::uint8_t attempts = 0;       // issues so far (bounded retries)
  std::uint8_t notifs_pending = 0; // zero-copy notifications still to come
  TxSlotState state = TxSlotState::free;
  bool split = false;              // GSO failed on this route: one segment per issue
  bool zero_copy = false;          // current issue is SENDMSG_ZC
  bool fixed = false;              // ... from the registered slab
  bool report = false;             // ... asking the kernel whether it copied after all
  Ecn ecn = Ecn::not_ect;
  NetAddress remote;
  NetAddress local;

  std::size_t segments() const;
  // The bytes the current issue sends: everything, or one segment when split.
  std::size_t issue_offset() const;
  std::size_t issue_length() const;
};

class TxSlots {
 public:
  static constexpr std::int32_t kNone = -1;

  TxSlots(std::size_t slots, std::size_t slab_bytes);
  TxSlots(const TxSlots&) = delete;
  TxSlots& operator=(const TxSlots&) = delete;

  // The next slot, with `bytes` of contiguous slab, in state `queued`; kNone
  // when no slot or no room is free.
  std::int32_t acquire(std::size_t bytes);
  // Undoes the most recent acquire() (its slot must still be the newest).
  void cancel_newest(std::uint32_t slot);
  // Gives back the unused tail of the newest slot (a reservation that was
  // filled with fewer bytes). False if `slot` is not the newest or grows.
  bool shrink_newest(std::uint32_t slot, std::size_t bytes);
  // Marks a slot done and reclaims every finished slot at the old end.
  void finish(std::uint32_t slot);

  TxSlot& operator[](std::uint32_t i) { return slots_[i]; }
  const TxSlot& operator[](std::uint32_t i) const { return slots_[i]; }
  MutByteSpan payload(std::uint32_t i);
  // The i-th slot in use counted from the oldest (i < in_use()).
  std::uint32_t in_use_at(std::size_t i) const { return static_cast<std::uint32_t>((tail_ + i) % slots_.size()); }

  std::size_t capacity() const { return slots_.size(); }
  std::size_t in_use() const { return in_use_; }
  std::size_t bytes_in_use() const { return bytes_in_use_; }
  std::size_t slab_size() const { return slab_.size(); }
  std::uint8_t* slab() { return slab_.data(); }

 private:
  std::vector<TxSlot> slots_;
  std::vector<std::uint8_t> slab_;
  std::size_t tail_ = 0;          // oldest slot in use
  std::size_t in_use_ = 0;
  std::size_t write_ = 0;         // next free slab offset
  std::size_t bytes_in_use_ = 0;  // from the oldest slot's offset to write_, circularly
};

// What to do with a slot after its send CQE (res = cqe->res).
enum class SendVerdict : std::uint8_t {
  sent,                 // res bytes went out
  dropped_emsgsize,     // larger than the route MTU (PMTU probe): skip, count
  dropped_unreachable,  // ICMP-reported error: skip, count
  retry,                // socket buffer full / interrupted: issue again later
  resplit,              // GSO failed on this route: send the train segment by segment
  zc_unsupported,       // the kernel rejected zero-copy or its fixed-buffer form
  failed,               // anything else: fatal, reported by the next send()
};
SendVerdict judge_send_result(int res, const TxSlot& slot);

}  // namespace tquic::io
