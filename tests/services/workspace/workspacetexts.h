// Workspace texts the workspace suites build their cases on, and how they print findings.
#pragma once

#include "core/diagnostic.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace launchdeck::workspacetests {

// Environment keys go on line 6, under production, indented by four spaces.
inline QByteArray withEnvironment(const QByteArray& keys)
{
    return "targets:\n"
           "  local: {type: docker}\n"
           "environments:\n"
           "  production:\n"
           "    target: local\n" +
           keys;
}

// Keys of application web go on line 11, indented by four spaces; top-level keys there too.
inline QByteArray withApplication(const QByteArray& keys)
{
    return "targets:\n"
           "  local: {type: docker}\n"
           "environments:\n"
           "  staging: {target: local, prometheus: \"http://127.0.0.1:9090\",\n"
           "            alertmanager: \"http://127.0.0.1:9093\"}\n"
           "  production: {target: local, prometheus: \"http://127.0.0.1:9090\"}\n"
           "applications:\n"
           "  web:\n"
           "    image: shop/web\n"
           "    replicas: 1\n" +
           keys;
}

inline QString rulesOf(const Diagnostics& out)
{
    QStringList rules;
    for (const Diagnostic& d : out)
        rules.append(d.rule + u'@' + QString::number(d.line) + u':' + QString::number(d.column));
    return rules.join(u' ');
}

inline QString messagesOf(const Diagnostics& out)
{
    QStringList messages;
    for (const Diagnostic& d : out)
        messages.append(d.message);
    return messages.join(u'\n');
}

} // namespace launchdeck::workspacetests
