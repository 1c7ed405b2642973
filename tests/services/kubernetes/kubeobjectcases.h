// Objects in the states a cluster shows, for the tests of kubectl's columns: JSON templates
// with timestamps relative to a clock, and pods with the cells kubectl prints for them.
#pragma once

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QStringList>

namespace launchdeck::test {

inline const QDateTime kNow = QDateTime::fromString(u"2024-06-01T12:00:00Z"_qs, Qt::ISODate);

inline QString ago(qint64 seconds, const QDateTime& now = kNow)
{
    return now.addSecs(-seconds).toString(Qt::ISODate);
}

// A JSON object from a template where %CREATED% and %AGO:N% stand for timestamps before `now`.
inline QJsonObject json(QString text, const QDateTime& now = kNow)
{
    static const QRegularExpression agoPattern(u"%AGO:(\\d+)%"_qs);
    text.replace(u"%CREATED%"_qs, ago(3 * 86400, now));
    for (QRegularExpressionMatch m = agoPattern.match(text); m.hasMatch();
         m = agoPattern.match(text))
        text.replace(m.captured(0), ago(m.captured(1).toLongLong(), now));
    QJsonParseError error;
    const QJsonObject object = QJsonDocument::fromJson(text.toUtf8(), &error).object();
    if (error.error != QJsonParseError::NoError)
        qFatal("bad JSON in the test: %s in %s", qPrintable(error.errorString()), qPrintable(text));
    return object;
}

inline QString pod(const QString& name, const QString& spec, const QString& status,
                   const QString& extraMetadata = {})
{
    return uR"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"%1","creationTimestamp":
"%CREATED%"%4},"spec":%2,"status":%3})"_qs.arg(name, spec, status, extraMetadata);
}

inline const QString kOneContainer =
    uR"({"containers":[{"name":"app","image":"busybox:local"}]})"_qs;

// Pods in the states kubectl's STATUS reasoning tells apart, with kubectl's cells.
struct PodCase
{
    QString name;
    QString spec;
    QString status;
    QString metadata;
    QStringList cells; // READY, STATUS, RESTARTS
};

inline QList<PodCase> podCases()
{
    const QString twoContainers =
        uR"({"containers":[{"name":"app","image":"a"},{"name":"side","image":"b"}]})"_qs;
    const QString withInit =
        uR"({"initContainers":[{"name":"setup","image":"a"}],"containers":[{"name":"app","image":"a"}]})"_qs;
    const QString withSidecar =
        uR"({"initContainers":[{"name":"proxy","image":"a","restartPolicy":"Always"}],"containers":[{"name":"app","image":"a"}]})"_qs;
    const QString running = uR"({"running":{"startedAt":"%AGO:600%"}})"_qs;
    return {
        {u"running-ready"_qs,
         twoContainers,
         uR"({"phase":"Running","conditions":[{"type":"Ready","status":"True"}],"containerStatuses":[
{"name":"app","ready":true,"restartCount":0,"state":%1},{"name":"side","ready":true,"restartCount":0,"state":%1}]})"_qs
             .arg(running),
         {},
         {u"2/2"_qs, u"Running"_qs, u"0"_qs}},
        {u"crashloop"_qs,
         kOneContainer,
         uR"({"phase":"Running","containerStatuses":[{"name":"app","ready":false,"restartCount":7,
"state":{"waiting":{"reason":"CrashLoopBackOff","message":"back-off 5m0s"}},
"lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"%AGO:300%"}}}]})"_qs,
         {},
         {u"0/1"_qs, u"CrashLoopBackOff"_qs, u"7 (5m ago)"_qs}},
        {u"image-pull"_qs,
         kOneContainer,
         uR"({"phase":"Pending","containerStatuses":[{"name":"app","ready":false,"restartCount":0,
"state":{"waiting":{"reason":"ImagePullBackOff"}}}]})"_qs,
         {},
         {u"0/1"_qs, u"ImagePullBackOff"_qs, u"0"_qs}},
        {u"completed"_qs,
         kOneContainer,
         uR"({"phase":"Succeeded","containerStatuses":[{"name":"app","ready":false,"restartCount":0,
"state":{"terminated":{"exitCode":0,"reason":"Completed","finishedAt":"%AGO:60%"}}}]})"_qs,
         {},
         {u"0/1"_qs, u"Completed"_qs, u"0"_qs}},
        {u"terminating"_qs,
         kOneContainer,
         uR"({"phase":"Running","containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":%1}]})"_qs
             .arg(running),
         uR"(,"deletionTimestamp":"%AGO:10%")"_qs,
         {u"1/1"_qs, u"Terminating"_qs, u"0"_qs}},
        {u"init-running"_qs,
         withInit,
         uR"({"phase":"Pending","initContainerStatuses":[{"name":"setup","ready":false,"restartCount":0,"state":%1}],
"containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]})"_qs
             .arg(running),
         {},
         {u"0/1"_qs, u"Init:0/1"_qs, u"0"_qs}},
        {u"init-crashloop"_qs,
         withInit,
         uR"({"phase":"Pending","initContainerStatuses":[{"name":"setup","ready":false,"restartCount":3,
"state":{"waiting":{"reason":"CrashLoopBackOff"}},"lastState":{"terminated":{"exitCode":2,"finishedAt":"%AGO:7200%"}}}],
"containerStatuses":[{"name":"app","ready":false,"restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]})"_qs,
         {},
         {u"0/1"_qs, u"Init:CrashLoopBackOff"_qs, u"3 (120m ago)"_qs}},
        {u"init-failed"_qs,
         withInit,
         uR"({"phase":"Failed","initContainerStatuses":[{"name":"setup","ready":false,"restartCount":0,
"state":{"terminated":{"exitCode":3}}}]})"_qs,
         {},
         {u"0/1"_qs, u"Init:ExitCode:3"_qs, u"0"_qs}},
        {u"sidecar"_qs,
         withSidecar,
         uR"({"phase":"Running","conditions":[{"type":"Initialized","status":"True"}],
"initContainerStatuses":[{"name":"proxy","ready":true,"started":true,"restartCount":1,"state":%1,
"lastState":{"terminated":{"exitCode":137,"finishedAt":"%AGO:30%"}}}],
"containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":%1}]})"_qs.arg(running),
         {},
         {u"2/2"_qs, u"Running"_qs, u"1 (30s ago)"_qs}},
        {u"half-completed"_qs,
         twoContainers,
         uR"({"phase":"Running","containerStatuses":[
{"name":"app","ready":false,"restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
{"name":"side","ready":true,"restartCount":0,"state":%1}]})"_qs.arg(running),
         {},
         {u"1/2"_qs, u"NotReady"_qs, u"0"_qs}},
        {u"killed"_qs,
         kOneContainer,
         uR"({"phase":"Failed","containerStatuses":[{"name":"app","ready":false,"restartCount":0,
"state":{"terminated":{"exitCode":137,"signal":9}}}]})"_qs,
         {},
         {u"0/1"_qs, u"Signal:9"_qs, u"0"_qs}},
        {u"node-lost"_qs,
         kOneContainer,
         uR"({"phase":"Running","reason":"NodeLost"})"_qs,
         uR"(,"deletionTimestamp":"%AGO:10%")"_qs,
         {u"0/1"_qs, u"Unknown"_qs, u"0"_qs}},
        {u"gated"_qs,
         kOneContainer,
         uR"({"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]})"_qs,
         {},
         {u"0/1"_qs, u"SchedulingGated"_qs, u"0"_qs}},
    };
}

} // namespace launchdeck::test
