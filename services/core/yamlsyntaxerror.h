// Turns the YAML parser's terse syntax errors ("illegal map value") into words a user can act on,
// placed at the line that holds the mistake rather than where the parser gave up.
#pragma once

#include <QByteArray>
#include <QString>

#include <string>

#include <yaml-cpp/mark.h>

namespace launchdeck {

struct YamlSyntaxError
{
    int line = 0;   // 1-based; 0 when unknown
    int column = 0; // 1-based; 0 when unknown
    QString message;
};

// `parserMessage` and `mark` are what the parser threw while reading `bytes`. The cause is looked
// for around the mark (a 'key:value' without a space, a line indented to no enclosing level, an
// unclosed bracket, ...); when none is recognised the parser's own words are kept at its mark.
YamlSyntaxError explainYamlSyntaxError(const QByteArray& bytes, const std::string& parserMessage,
                                       const YAML::Mark& mark);

} // namespace launchdeck
