// The CDNOW sample of the CLV tests, tests/data/cdnow_summary_monetary.csv:
// ID,x,t_x,T,zbar for 2,357 customers (Fader, Hardie and Lee's data, as
// lifetimes ships it).

#ifndef NPSCORE_TESTS_CPP_CDNOW_H_
#define NPSCORE_TESTS_CPP_CDNOW_H_

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace npscore {
namespace test_data {

struct Cdnow {
  std::vector<double> x, tx, T, m;
};

inline Cdnow LoadCdnow() {
  Cdnow d;
  std::ifstream in(std::string(NPSCORE_TEST_DATA_DIR) + "/cdnow_summary_monetary.csv");
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::stringstream ss(line);
    std::string f[5];
    for (auto& s : f) std::getline(ss, s, ',');
    d.x.push_back(std::stod(f[1]));
    d.tx.push_back(std::stod(f[2]));
    d.T.push_back(std::stod(f[3]));
    d.m.push_back(std::stod(f[4]));
  }
  return d;
}

}  // namespace test_data
}  // namespace npscore

#endif  // NPSCORE_TESTS_CPP_CDNOW_H_
