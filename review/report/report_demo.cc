// Writes a synthetic sweep report, for the headless-browser check and for
// looking at the page by hand: `report_demo <out.html> [runs] [params]`.
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "review/report/html_report.h"
#include "review/report/synthetic_report_data.h"

namespace {
// A realistic mid-size sweep: big enough that every chart has content.
constexpr std::size_t kDefaultRuns = 400;
constexpr std::size_t kDefaultParams = 6;
}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: report_demo <out.html> [runs] [params]\n";
    return 2;
  }
  const std::size_t runs = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : kDefaultRuns;
  const std::size_t params = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : kDefaultParams;
  std::ofstream out(argv[1], std::ios::binary);
  const auto status = sweep::report::WriteHtmlReport(
      sweep::report::MakeSyntheticReportData(runs, params), out);
  if (!status.ok()) {
    std::cerr << status.error().message << "\n";
    return 1;
  }
  return 0;
}
