// What a JSON schema allows at a location (types, keys, enumerated values), read from the schema
// itself, so schema findings can say "must be a list" or "did you mean 'environment'?".
#pragma once

#include <QJsonObject>
#include <QList>
#include <QStringList>

namespace launchdeck {

class SchemaHints final
{
public:
    explicit SchemaHints(QJsonObject schema);

    struct Hint
    {
        QStringList types;       // JSON types allowed, in schema order, without duplicates
        QStringList keys;        // property names allowed in a mapping
        QStringList enumValues;  // when the value is enumerated
        QStringList keyPatterns; // patterns that extra property names must match
        QStringList patterns;    // patterns a string value must match
    };

    // Everything any alternative of the schema allows at the location `segments` leads to.
    Hint at(const QStringList& segments) const;

private:
    QList<QJsonObject> expand(const QJsonObject& schema, int depth = 0) const;
    QList<QJsonObject> children(const QJsonObject& schema, const QString& segment) const;

    QJsonObject m_schema;
};

// "a mapping", "a list", "a string": the YAML words for JSON schema types.
QString yamlTypeWord(const QString& jsonType);
// "a string, a number or a mapping".
QString joinAlternatives(const QStringList& words, const QString& lastSeparator);

} // namespace launchdeck
