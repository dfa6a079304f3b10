// Run and sweep ids: 8 lowercase base-36 characters, like W&B's, so they are
// short enough to type and copy, with 36^8 (~2.8e12) values so collisions are
// rare (the store still checks, see SqliteStore).
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace sweep {

inline constexpr std::size_t kIdLength = 8;

// Thread-safety: one generator per thread (it is a plain PRNG).
class IdGenerator {
 public:
  IdGenerator();  // seeded from std::random_device: ids differ across processes
  std::string Next();

 private:
  std::mt19937_64 rng_;
};

// True when `text` could be (a prefix of) an id: 1..kIdLength of [0-9a-z].
bool IsIdPrefix(std::string_view text);

// Longest run id a user may choose (W&B's limit on wandb.init(id=...)).
inline constexpr std::size_t kMaxChosenIdLength = 64;
// True when `text` may be a run id chosen by a user (NewRun::id): 1 to
// kMaxChosenIdLength characters of [A-Za-z0-9_.-], not starting with '.' or
// '-', so that it is a safe file name (a run's folder is named after it)
// and never read as a command-line flag.
bool IsValidChosenRunId(std::string_view text);
// Why `text` is not a valid chosen run id (the rule, for error messages).
std::string ChosenRunIdRule(std::string_view text);

}  // namespace sweep
