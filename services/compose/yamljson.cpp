// Conversion of YAML trees to JSON following the YAML 1.2 core schema.
#include "compose/yamljson.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>

#include <cmath>
#include <limits>

namespace launchdeck {

namespace {

constexpr char strTag[] = "tag:yaml.org,2002:str";

QString escapeSegment(QString segment)
{
    segment.replace(u'~', QStringLiteral("~0"));
    segment.replace(u'/', QStringLiteral("~1"));
    return segment;
}

QJsonValue plainScalar(const QString& text)
{
    static const QRegularExpression nullPattern(QStringLiteral("^(~|null|Null|NULL)?$"));
    static const QRegularExpression boolPattern(
        QStringLiteral("^(true|True|TRUE|false|False|FALSE)$"));
    static const QRegularExpression intPattern(QStringLiteral("^[-+]?[0-9]+$"));
    static const QRegularExpression octPattern(QStringLiteral("^0o[0-7]+$"));
    static const QRegularExpression hexPattern(QStringLiteral("^0x[0-9a-fA-F]+$"));
    static const QRegularExpression floatPattern(
        QStringLiteral("^[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?$"));
    static const QRegularExpression infPattern(QStringLiteral("^[-+]?\\.(inf|Inf|INF)$"));
    static const QRegularExpression nanPattern(QStringLiteral("^\\.(nan|NaN|NAN)$"));

    if (nullPattern.match(text).hasMatch())
        return QJsonValue(QJsonValue::Null);
    if (boolPattern.match(text).hasMatch())
        return QJsonValue(text.front().toLower() == u't');
    bool ok = false;
    if (intPattern.match(text).hasMatch()) {
        const qint64 value = text.toLongLong(&ok);
        if (ok)
            return QJsonValue(value);
        return QJsonValue(text.toDouble());
    }
    if (octPattern.match(text).hasMatch()) {
        const qint64 value = text.mid(2).toLongLong(&ok, 8);
        if (ok)
            return QJsonValue(value);
    }
    if (hexPattern.match(text).hasMatch()) {
        const qint64 value = text.mid(2).toLongLong(&ok, 16);
        if (ok)
            return QJsonValue(value);
    }
    if (floatPattern.match(text).hasMatch())
        return QJsonValue(text.toDouble());
    // JSON has no infinities or NaN; the schema can only see them as numbers of some kind.
    if (infPattern.match(text).hasMatch())
        return QJsonValue(text.front() == u'-' ? std::numeric_limits<double>::lowest()
                                               : std::numeric_limits<double>::max());
    if (nanPattern.match(text).hasMatch())
        return QJsonValue(0.0);
    return QJsonValue(text);
}

class Converter
{
public:
    explicit Converter(YamlJson& result)
        : m_result(result)
    {}

    QJsonValue convert(const YAML::Node& node, const QString& pointer)
    {
        m_result.nodes.insert(pointer, node);
        switch (node.Type()) {
        case YAML::NodeType::Map: {
            QJsonObject object;
            m_result.keys[pointer]; // a mapping without entries still has its (empty) keys
            for (const auto& entry : node) {
                const QString key = entry.first.IsScalar()
                                        ? QString::fromStdString(entry.first.Scalar())
                                        : QString();
                // Looked up each time: converting the value below adds the keys of nested
                // mappings to the same hash, which may move what a reference held points to.
                m_result.keys[pointer].insert(key, entry.first);
                object.insert(key, convert(entry.second, pointer + u'/' + escapeSegment(key)));
            }
            return object;
        }
        case YAML::NodeType::Sequence: {
            QJsonArray array;
            int index = 0;
            for (const YAML::Node& item : node)
                array.append(convert(item, pointer + u'/' + QString::number(index++)));
            return array;
        }
        case YAML::NodeType::Scalar:
            return yamlScalarToJson(node);
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            break;
        }
        return QJsonValue(QJsonValue::Null);
    }

private:
    YamlJson& m_result;
};

} // namespace

QJsonValue yamlScalarToJson(const YAML::Node& node)
{
    if (!node.IsScalar())
        return QJsonValue(QJsonValue::Null);
    const QString text = QString::fromStdString(node.Scalar());
    // "!" is what yaml-cpp gives quoted and block scalars: they are strings whatever they say.
    if (node.Tag() == "!" || node.Tag() == strTag)
        return QJsonValue(text);
    return plainScalar(text);
}

YamlJson yamlToJson(const YAML::Node& root)
{
    YamlJson result;
    Converter converter(result);
    result.value = converter.convert(root, QString());
    return result;
}

QString jsonPointer(const QStringList& segments)
{
    QString pointer;
    for (const QString& segment : segments)
        pointer += u'/' + escapeSegment(segment);
    return pointer;
}

QStringList jsonPointerSegments(const QString& pointer)
{
    QStringList segments = pointer.split(u'/');
    segments.removeFirst();
    for (QString& segment : segments) {
        segment.replace(QStringLiteral("~1"), QStringLiteral("/"));
        segment.replace(QStringLiteral("~0"), QStringLiteral("~"));
    }
    return segments;
}

} // namespace launchdeck
