#include "sweep/inferred_space.h"

#include <algorithm>
#include <map>
#include <string>

namespace sweep {
namespace {

struct Observed {
  ValueList distinct;  // first-appearance order
  bool all_numbers = true, all_ints = true;
  double min = 0, max = 0;
  bool any_number = false;

  void Add(const Value& v) {
    if (std::find(distinct.begin(), distinct.end(), v) == distinct.end()) distinct.push_back(v);
    if (!v.is_number()) {
      all_numbers = all_ints = false;
      return;
    }
    if (!v.is_int()) all_ints = false;
    const double x = v.as_number();
    min = any_number ? std::min(min, x) : x;
    max = any_number ? std::max(max, x) : x;
    any_number = true;
  }
};

}  // namespace

SearchSpace InferSearchSpace(const std::vector<RunRecord>& runs) {
  std::vector<std::string> order;
  std::map<std::string, Observed> observed;
  for (const auto& run : runs) {
    for (const auto& [name, value] : run.params) {
      if (value.is_null() || value.is_map() || value.is_list()) continue;
      auto [it, fresh] = observed.try_emplace(name);
      if (fresh) order.push_back(name);
      it->second.Add(value);
    }
  }
  SearchSpace space;
  for (const auto& name : order) {
    const Observed& o = observed.at(name);
    ParameterSpec p;
    p.path = {name};
    if (o.distinct.size() == 1) {
      p.distribution = Distribution::kConstant;
      p.value = o.distinct.front();
    } else if (o.all_numbers) {
      p.distribution = o.all_ints ? Distribution::kIntUniform : Distribution::kUniform;
      p.min = o.min;
      p.max = o.max;
      p.integer_bounds = o.all_ints;
    } else {
      p.distribution = Distribution::kCategorical;
      p.values = o.distinct;
    }
    space.parameters.push_back(std::move(p));
  }
  return space;
}

}  // namespace sweep
