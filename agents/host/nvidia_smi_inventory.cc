#include "agents/host/nvidia_smi_inventory.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <optional>
#include <cmath>
#include <limits>

#include "agents/host/command_output.h"

namespace sweep {
namespace {

// With --format=csv,nounits memory is reported in MiB.
constexpr double kBytesPerMiB = 1024.0 * 1024.0;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr std::size_t kListFields = 5;
constexpr std::size_t kSampleFields = 5;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> SplitCsv(std::string_view line) {
  std::vector<std::string_view> fields;
  std::size_t start = 0;
  while (true) {
    const std::size_t comma = line.find(',', start);
    fields.push_back(Trim(line.substr(start, comma - start)));
    if (comma == std::string_view::npos) return fields;
    start = comma + 1;
  }
}

// nvidia-smi prints "[N/A]" (and "[Not Supported]" on older drivers) for
// readings a device does not provide.
bool IsUnavailable(std::string_view field) { return field.empty() || field.front() == '['; }

double ParseReading(std::string_view field) {
  if (IsUnavailable(field)) return kNaN;
  double v = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  return ec == std::errc() && end == field.data() + field.size() ? v : kNaN;
}

std::optional<int> ParseIndex(std::string_view field) {
  int v = 0;
  const auto [end, ec] = std::from_chars(field.data(), field.data() + field.size(), v);
  if (ec != std::errc() || end != field.data() + field.size() || v < 0) return std::nullopt;
  return v;
}

std::vector<std::string_view> Lines(std::string_view text) {
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    if (!line.empty()) lines.push_back(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
  return lines;
}

Result<std::string> Query(const std::string& program, const std::string& fields) {
  auto out = RunCommand({program, "--query-gpu=" + fields, "--format=csv,noheader,nounits"});
  if (!out.ok()) return out.error();
  if (out->exit_code != 0) {
    return Error::Io(program + " exited with " + std::to_string(out->exit_code) + ": " +
                     std::string(Trim(out->stderr_text.substr(0, 200))));
  }
  return std::move(out->stdout_text);
}

// "| NVIDIA-SMI 550.54.15   Driver Version: 550.54.15   CUDA Version: 12.4 |"
std::string CudaVersionFromBanner(std::string_view banner) {
  constexpr std::string_view kLabel = "CUDA Version:";
  const std::size_t at = banner.find(kLabel);
  if (at == std::string_view::npos) return "";
  std::string_view rest = Trim(banner.substr(at + kLabel.size()));
  std::size_t end = 0;
  while (end < rest.size() && (std::isdigit(static_cast<unsigned char>(rest[end])) || rest[end] == '.')) ++end;
  return std::string(rest.substr(0, end));
}

}  // namespace

NvidiaSmiInventory::NvidiaSmiInventory(std::string program) : program_(std::move(program)) {}

Result<std::vector<GpuInfo>> NvidiaSmiInventory::List() {
  auto text = Query(program_, "index,uuid,name,memory.total,driver_version");
  if (!text.ok()) return text.error();
  std::string cuda;
  if (auto banner = RunCommand({program_}); banner.ok() && banner->exit_code == 0) {
    cuda = CudaVersionFromBanner(banner->stdout_text);
  }
  std::vector<GpuInfo> gpus;
  for (std::string_view line : Lines(*text)) {
    const auto f = SplitCsv(line);
    const auto index = f.size() == kListFields ? ParseIndex(f[0]) : std::nullopt;
    if (!index) return Error::Io("unexpected nvidia-smi line: " + std::string(line));
    GpuInfo info;
    info.index = *index;
    if (!IsUnavailable(f[1])) info.uuid = f[1];
    if (!IsUnavailable(f[2])) info.name = f[2];
    if (const double mib = ParseReading(f[3]); !std::isnan(mib)) {
      info.memory_total_bytes = static_cast<std::uint64_t>(mib * kBytesPerMiB);
    }
    if (!IsUnavailable(f[4])) info.driver_version = f[4];
    info.cuda_version = cuda;
    gpus.push_back(std::move(info));
  }
  std::sort(gpus.begin(), gpus.end(),
            [](const GpuInfo& a, const GpuInfo& b) { return a.index < b.index; });
  return gpus;
}

Result<std::vector<GpuSample>> NvidiaSmiInventory::Sample(const std::vector<int>& indices) {
  auto text = Query(program_, "index,utilization.gpu,memory.used,power.draw,temperature.gpu");
  if (!text.ok()) return text.error();
  std::vector<GpuSample> all;
  for (std::string_view line : Lines(*text)) {
    const auto f = SplitCsv(line);
    const auto index = f.size() == kSampleFields ? ParseIndex(f[0]) : std::nullopt;
    if (!index) return Error::Io("unexpected nvidia-smi line: " + std::string(line));
    all.push_back({*index, ParseReading(f[1]), ParseReading(f[2]) * kBytesPerMiB,
                   ParseReading(f[3]), ParseReading(f[4])});
  }
  std::vector<GpuSample> out;
  for (int index : indices) {
    for (const GpuSample& s : all) {
      if (s.index == index) out.push_back(s);
    }
  }
  return out;
}

}  // namespace sweep
