// One blocking HTTP GET for tests: the status and body a URL answers, or why no answer came.
#pragma once

#include <QByteArray>
#include <QString>

#include <chrono>

namespace launchdeck::test {

struct HttpAnswer
{
    long status = 0; // 0 when no HTTP answer came
    QByteArray body;
    QString error; // libcurl's reason when status is 0

    // The body without the whitespace around it, as text.
    QString text() const { return QString::fromUtf8(body.trimmed()); }
};

// Every call opens its own connection. Safe to call from several threads at once.
HttpAnswer httpGet(const QString& url, std::chrono::milliseconds timeout = std::chrono::seconds(3));

} // namespace launchdeck::test
