#include "doseplan/i18n.hpp"

#include <map>

#include "doseplan/error.hpp"

namespace doseplan {

Lang parse_lang(std::string_view text) {
  if (text == "en") return Lang::en;
  if (text == "zh-CN") return Lang::zh_CN;
  throw Error(
      "input.bad_lang", "lang",
      "\"" + std::string(text) + "\" is not a language doseplan writes; expected en or zh-CN");
}

const std::string& pick(const LocalizedText& t, Lang lang) {
  return lang == Lang::zh_CN && !t.zh.empty() ? t.zh : t.en;
}

std::string tr(Lang lang, std::string_view key) {
  static const std::map<std::string_view, std::string_view> kZh = {
      {"Regimens", "治疗方案"},
      {"Regimen", "治疗方案"},
      {"Drug", "药物"},
      {"Indication", "适应证"},
      {"Evidence", "证据等级"},
      {"Population", "适用人群"},
      {"Dose", "剂量"},
      {"Allowed range", "允许范围"},
      {"Default", "默认"},
      {"Doses a day", "每日次数"},
      {"Products", "剂型"},
      {"Phases", "治疗阶段"},
      {"Monitoring", "监测"},
      {"Lab rules", "化验结果规则"},
      {"Warnings", "注意事项"},
      {"Where sources disagree", "来源之间的分歧"},
      {"Sources", "来源"},
      {"Golden cases", "验证用例"},
      {"Disclaimer", "免责声明"},
      {"project default", "项目默认值"},
      {"source", "来源"},
      {"duration", "疗程"},
      {"every", "每"},
      {"for", "持续"},
      {"step", "步长"},
      {"maximum", "最大"},
      {"level", "剂量水平"},
      {"cycles", "周期"},
      {"baseline", "基线"},
      {"only if needed", "仅在需要时"},
      {"age", "年龄"},
      {"weight", "体重"},
      {"label", "药品说明书"},
      {"guideline", "指南"},
      {"trial", "临床试验"},
      {"case series", "病例系列"},
      {"experimental", "实验性"},
      {"at the end of treatment", "疗程结束时"},
      {"around each administration", "每次给药前后"},
      {"after the start", "开始后"},
  };
  if (lang == Lang::zh_CN) {
    const auto it = kZh.find(key);
    if (it != kZh.end()) return std::string(it->second);
  }
  return std::string(key);
}

}  // namespace doseplan
