// Label selectors as kubectl's -l takes them: equality (=, ==, !=), set-based (in, notin),
// existence (key, !key), comma-separated requirements all of which must hold.
#pragma once

#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace launchdeck::kube {

class LabelSelector final
{
public:
    // Fails with the position and what was expected, as kubectl would refuse it.
    static Result<LabelSelector> parse(const QString& text);
    bool isEmpty() const { return m_requirements.isEmpty(); }
    bool matches(const QJsonObject& labels) const;

private:
    struct Requirement
    {
        enum class Op { Equals, NotEquals, In, NotIn, Exists, DoesNotExist };
        QString key;
        Op op = Op::Exists;
        QStringList values;
    };
    QList<Requirement> m_requirements;
};

} // namespace launchdeck::kube
