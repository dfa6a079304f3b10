#include "agents/host/python_packages.h"

#include <sstream>

#include "agents/host/command_output.h"
#include "core/sha256.h"
#include "core/value_json.h"

namespace sweep {
namespace {

// Prints {"requirements": "...", "cuda": "..."}. The first distribution of a
// name on sys.path wins, as for imports; find_spec on a top-level package
// locates torch without importing it.
constexpr const char* kScript = R"py(
import importlib.metadata as md, importlib.util as iu, json, os, re
seen = {}
for dist in md.distributions():
    name = (dist.metadata.get("Name") or "").strip()
    key = re.sub(r"[-_.]+", "-", name).lower()
    if name and key not in seen:
        seen[key] = "%s==%s" % (name, dist.version)
cuda = ""
spec = iu.find_spec("torch")
for folder in (spec.submodule_search_locations or []) if spec else []:
    path = os.path.join(folder, "version.py")
    if os.path.exists(path):
        with open(path, encoding="utf-8", errors="replace") as handle:
            found = re.search(r"^cuda\b[^=\n]*=\s*['\"]([^'\"]+)['\"]", handle.read(), re.M)
        cuda = found.group(1) if found else ""
        break
print(json.dumps({"requirements": "".join(seen[k] + "\n" for k in sorted(seen)), "cuda": cuda}))
)py";

// Framework tags: tag name -> normalized package name.
constexpr std::pair<const char*, const char*> kFrameworks[] = {
    {"env.torch", "torch"}, {"env.tensorflow", "tensorflow"}, {"env.jax", "jax"}, {"env.sklearn", "scikit-learn"}};

std::string NormalizedName(std::string_view name) {
  std::string out;
  bool in_separator = false;
  for (char c : name) {
    if (c == '-' || c == '_' || c == '.') {
      in_separator = true;
      continue;
    }
    if (in_separator && !out.empty()) out += '-';
    in_separator = false;
    out += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return out;
}

}  // namespace

Result<PythonPackages> ReadPythonPackages(const std::string& interpreter) {
  auto out = RunCommand({interpreter, "-c", kScript}, kPythonPackagesTimeout);
  if (!out.ok()) return out.error();
  if (out->exit_code != 0)
    return Error::Io(interpreter + " could not list its packages: " + out->stderr_text.substr(0, 200));
  auto doc = ParseJson(out->stdout_text);
  const Value* requirements = doc.ok() ? doc->find("requirements") : nullptr;
  const Value* cuda = doc.ok() ? doc->find("cuda") : nullptr;
  if (requirements == nullptr || !requirements->is_string() || cuda == nullptr || !cuda->is_string())
    return Error::Io(interpreter + " printed no package list");
  return PythonPackages{requirements->as_string(), cuda->as_string()};
}

std::map<std::string, std::string> ParseRequirements(std::string_view text) {
  std::map<std::string, std::string> out;
  std::istringstream lines{std::string(text)};
  std::string line;
  while (std::getline(lines, line)) {
    const auto at = line.find("==");
    if (at == std::string::npos || at == 0) continue;
    std::string version = line.substr(at + 2);
    while (!version.empty() && (version.back() == '\r' || version.back() == ' ')) version.pop_back();
    out[NormalizedName(line.substr(0, at))] = version;
  }
  return out;
}

std::map<std::string, std::string> PythonPackageTags(const PythonPackages& packages) {
  std::map<std::string, std::string> tags;
  if (packages.requirements.empty()) return tags;
  const auto parsed = ParseRequirements(packages.requirements);
  tags["env.python.packages"] = std::to_string(parsed.size());
  tags["env.python.packages_sha256"] = Sha256Hex(packages.requirements);
  for (const auto& [tag, package] : kFrameworks) {
    if (auto it = parsed.find(package); it != parsed.end()) tags[tag] = it->second;
  }
  if (!packages.torch_cuda.empty()) tags["env.torch.cuda"] = packages.torch_cuda;
  return tags;
}

}  // namespace sweep
