// Times WriteHtmlReport on a large synthetic sweep (target: 10,000 runs x 10
// parameters in <= 2 s) and prints the file size.
// usage: bench_report [runs] [params] [out.html]
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "review/report/html_report.h"
#include "review/report/synthetic_report_data.h"

namespace {
constexpr std::size_t kDefaultRuns = 10000;
constexpr std::size_t kDefaultParams = 10;
constexpr int kRepetitions = 3;  // report the best of a few: the machine is shared
}  // namespace

int main(int argc, char** argv) {
  const std::size_t runs = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : kDefaultRuns;
  const std::size_t params = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : kDefaultParams;
  const sweep::report::ReportData data = sweep::report::MakeSyntheticReportData(runs, params);
  double best = 1e9;
  std::string html;
  for (int i = 0; i < kRepetitions; ++i) {
    std::ostringstream out;
    const auto start = std::chrono::steady_clock::now();
    if (!sweep::report::WriteHtmlReport(data, out).ok()) return 1;
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    html = out.str();
  }
  std::cout << "report: " << runs << " runs x " << params << " params: " << best * 1e3 << " ms (best of "
            << kRepetitions << "), " << html.size() / 1024.0 << " KiB\n";
  if (argc > 3) std::ofstream(argv[3], std::ios::binary) << html;
  return 0;
}
