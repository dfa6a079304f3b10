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

bool IsValidChosenRunId(std::string_view text) {
  if (text.empty() || text.size() > kMaxChosenIdLength || text.front() == '.' || text.front() == '-') return false;
  for (char c : text) {
    const bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    if (!alnum && c != '_' && c != '.' && c != '-') return false;
  }
  return true;
}

std::string ChosenRunIdRule(std::string_view text) {
  return "run id '" + std::string(text.substr(0, kMaxChosenIdLength + 1)) + "' is not valid: use 1 to " +
         std::to_string(kMaxChosenIdLength) + " letters, digits, '_', '.' or '-', not starting with '.' or '-'";
}

}  // namespace sweep
