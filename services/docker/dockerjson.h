// Conversions between the Docker Engine API's JSON and the console's value types.
#pragma once

#include "docker/dockertypes.h"

#include <QJsonArray>
#include <QJsonObject>

namespace launchdeck::docker {

DockerVersion versionFromJson(const QJsonObject& object);
DockerContainer containerFromJson(const QJsonObject& object); // an entry of /containers/json
DockerImage imageFromJson(const QJsonObject& object);
DockerNetwork networkFromJson(const QJsonObject& object);
DockerVolume volumeFromJson(const QJsonObject& object);
DockerEvent eventFromJson(const QJsonObject& object);

// The body of POST /containers/create: durations in nanoseconds, host ports as strings.
QJsonObject containerCreateBody(const DockerContainerSpec& spec);

} // namespace launchdeck::docker
