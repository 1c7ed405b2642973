// From the workspace to a server: a monitoring server of an environment (its URL, sign-in and
// TLS files) made into the endpoint the clients take, with its secret looked up; and the
// variables a query may use ($app, $env, …) filled in.
#pragma once

#include "core/result.h"
#include "prometheus/prometheustypes.h"
#include "workspace/workspace.h"

#include <QMap>
#include <QString>

#include <functional>
#include <optional>

namespace launchdeck::prometheus {

// `secretValue` answers the value of a secret by name, or none when it is not set. Fails,
// naming the server's URL and the secret, when its secret is missing; never puts the value in
// a message.
using SecretLookup = std::function<std::optional<QString>(const QString& name)>;
Result<ServerEndpoint> endpointOf(const MonitoringServer& server, const SecretLookup& secretValue);

// Everything that decides a server's endpoint — the secret's name, never its value — as one
// text: two servers with the same identity are one connection, and a reload that keeps it
// keeps the connection.
QString serverIdentity(const MonitoringServer& server);
// Adds the name of the server's secret to `names` unless it has none or it is there already.
void addSecretName(const MonitoringServer& server, QStringList& names);

// Replaces $name and ${name} with values[name] for every name given (longest names first, so
// $app does not eat $application); names not given are left as they are. Values are inserted
// as they are: the caller quotes them where PromQL needs it.
QString expandVariables(const QString& query, const QMap<QString, QString>& values);

} // namespace launchdeck::prometheus
