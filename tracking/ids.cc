#include "tracking/ids.h"

namespace sweep {
namespace {
constexpr std::string_view kAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
}  // namespace

IdGenerator::IdGenerator() {
  std::random_device rd;
  std::seed_seq seq{rd(), rd(), rd(), rd()};
  rng_.seed(seq);
}

std::string IdGenerator::Next() {
  std::uniform_int_distribution<std::size_t> pick(0, kAlphabet.size() - 1);
  std::string id(kIdLength, '0');
  for (char& c : id) c = kAlphabet[pick(rng_)];
  return id;
}

bool IsIdPrefix(std::string_view text) {
  if (text.empty() || text.size() > kIdLength) return false;
  for (char c : text) {
    if (kAlphabet.find(c) == std::string_view::npos) return false;
  }
  return true;
}

}  // namespace sweep
