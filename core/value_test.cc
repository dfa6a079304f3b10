#include "core/value.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "core/value_json.h"

namespace sweep {
namespace {

TEST(FormatPythonFloat, MatchesPythonRepr) {
  // Expected strings are what CPython 3.11 repr() prints.
  EXPECT_EQ(FormatPythonFloat(1.0), "1.0");
  EXPECT_EQ(FormatPythonFloat(0.1), "0.1");
  EXPECT_EQ(FormatPythonFloat(-2.5), "-2.5");
  EXPECT_EQ(FormatPythonFloat(1e-4), "0.0001");
  EXPECT_EQ(FormatPythonFloat(1e-5), "1e-05");
  EXPECT_EQ(FormatPythonFloat(1.5e-7), "1.5e-07");
  EXPECT_EQ(FormatPythonFloat(123456.0), "123456.0");
  EXPECT_EQ(FormatPythonFloat(1e15), "1000000000000000.0");
  EXPECT_EQ(FormatPythonFloat(1e16), "1e+16");
  EXPECT_EQ(FormatPythonFloat(1.2345e100), "1.2345e+100");
  EXPECT_EQ(FormatPythonFloat(0.30000000000000004), "0.30000000000000004");
  EXPECT_EQ(FormatPythonFloat(0.0), "0.0");
  EXPECT_EQ(FormatPythonFloat(-0.0), "-0.0");
  EXPECT_EQ(FormatPythonFloat(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(FormatPythonFloat(std::nan("")), "nan");
}

TEST(FormatPythonFloat, RoundTripsBitExactly) {
  for (double d : {0.1, 1.0 / 3.0, 2.718281828459045, 1e-300, 6.02214076e23, 0.00012345678901234}) {
    EXPECT_EQ(std::stod(FormatPythonFloat(d)), d) << FormatPythonFloat(d);
  }
}

TEST(FormatPythonArg, PythonLiterals) {
  EXPECT_EQ(FormatPythonArg(Value(true)), "True");
  EXPECT_EQ(FormatPythonArg(Value()), "None");
  EXPECT_EQ(FormatPythonArg(Value(std::int64_t{42})), "42");
  EXPECT_EQ(FormatPythonArg(Value("adam")), "adam");
  EXPECT_EQ(FormatPythonArg(Value(ValueList{Value(1), Value("a"), Value(0.5)})), "[1, 'a', 0.5]");
  EXPECT_EQ(FormatPythonArg(Value(ValueMap{{"k", Value("it's")}})), "{'k': \"it's\"}");
}

TEST(ValueJson, RoundTripKeepsTypesAndOrder) {
  Value v(ValueMap{{"z", Value(1)}, {"a", Value(1.0)}, {"s", Value("x\"y")},
                   {"l", Value(ValueList{Value(true), Value()})}});
  const std::string text = ToJson(v);
  EXPECT_EQ(text, R"({"z":1,"a":1.0,"s":"x\"y","l":[true,null]})");
  auto back = ParseJson(text);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, v);
}

TEST(ValueJson, NonFiniteTokensAsPythonWritesThem) {
  auto v = ParseJson(R"({"a": NaN, "b": Infinity, "c": -Infinity, "d": "NaN"})");
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(std::isnan(v->find("a")->as_double()));
  EXPECT_EQ(v->find("b")->as_double(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(v->find("c")->as_double(), -std::numeric_limits<double>::infinity());
  EXPECT_EQ(v->find("d")->as_string(), "NaN");
  EXPECT_EQ(ToJson(*v), R"({"a":NaN,"b":Infinity,"c":-Infinity,"d":"NaN"})");
}

TEST(ValueJson, NestingAtTheLimitRoundTrips) {
  Value v(std::int64_t{1});
  for (int i = 0; i < kMaxJsonDepth; ++i) v = Value(ValueList{std::move(v)});
  auto back = ParseJson(ToJson(v));
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(*back, v);
}

TEST(ValueJson, DeepNestingIsAnErrorNotACrash) {
  constexpr std::size_t kHostileDepth = 50'000;  // issue 12: a stack overflow in the conversion
  const std::string deep = std::string(kHostileDepth, '[') + std::string(kHostileDepth, ']');
  auto v = ParseJson(R"({"t":"finish","x":)" + deep + "}");
  ASSERT_FALSE(v.ok());
  EXPECT_EQ(v.error().code, ErrorCode::kInvalidInput);
  EXPECT_NE(v.error().message.find("nested deeper than"), std::string::npos) << v.error().message;
  const std::string objects = [&] {
    std::string s;
    for (std::size_t i = 0; i < kHostileDepth; ++i) s += R"({"a":)";
    return s + "1" + std::string(kHostileDepth, '}');
  }();
  EXPECT_FALSE(ParseJson(objects).ok());
}

TEST(ValueJson, SizeLimitIsTheCallers) {
  EXPECT_TRUE(ParseJson("[1,2,3]").ok());
  auto v = ParseJson("[1,2,3]", 5);
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().message.find("over the limit of 5 bytes"), std::string::npos) << v.error().message;
}

TEST(ValueJson, NulInsideAStringIsKept) {
  auto v = ParseJson(R"({"k":"x\u0000y"})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->find("k")->as_string(), std::string("x\0y", 3));
  EXPECT_EQ(ToJson(*v), R"({"k":"x\u0000y"})");
}

TEST(ValueJson, RejectsGarbage) {
  EXPECT_FALSE(ParseJson("{not json").ok());
  EXPECT_FALSE(ParseJson("").ok());
}

}  // namespace
}  // namespace sweep
