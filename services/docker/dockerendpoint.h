// Where a Docker daemon listens and how to reach it: a unix socket, or tcp:// with optional TLS,
// as DOCKER_HOST, DOCKER_TLS_VERIFY and DOCKER_CERT_PATH describe it for the docker CLI.
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QString>

namespace launchdeck {

struct DockerEndpoint
{
    enum class Kind { Unix, Tcp };

    Kind kind = Kind::Unix;
    QString socketPath; // Kind::Unix
    QString host;       // Kind::Tcp
    int port = 0;       // Kind::Tcp
    bool tls = false;
    QString caFile; // PEM files, from DOCKER_CERT_PATH when tls is set
    QString certFile;
    QString keyFile;

    // "unix:///var/run/docker.sock", "tcp://10.0.0.5:2376": how errors name the host.
    QString toString() const;
    // The URL libcurl is given; `pathAndQuery` starts with '/'. An empty apiVersion leaves the
    // path unversioned, which is what /_ping and /version need before negotiation.
    QByteArray url(const QString& apiVersion, const QString& pathAndQuery) const;

    // Parses a DOCKER_HOST value ("unix:///path", "tcp://host:port", "host:port"). With
    // tlsVerify, certPath must hold ca.pem, cert.pem and key.pem.
    static Result<DockerEndpoint> parse(const QString& dockerHost, bool tlsVerify = false,
                                        const QString& certPath = {});
    // DOCKER_HOST (default unix:///var/run/docker.sock), DOCKER_TLS_VERIFY, DOCKER_CERT_PATH
    // (default ~/.docker), as the docker CLI reads them.
    static Result<DockerEndpoint> fromEnvironment();
};

struct Target;

// The endpoint of a workspace's Docker target: its host (none: the docker CLI's own, from
// DOCKER_HOST or the local socket), with TLS files taken relative to the workspace `root`.
Result<DockerEndpoint> endpointForTarget(const Target& target, const QString& root);

} // namespace launchdeck
