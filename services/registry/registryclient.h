// The Registry HTTP API v2 of an image registry (the distribution registry, Docker Hub, GHCR,
// …) over libcurl: a repository's tags across pages, a tag's manifest digest and the image's
// creation time, the registry's authentication challenge answered as the docker CLI answers it
// (a Bearer token from the realm it names, or Basic), and its errors in its own words.
// Blocking: one client per thread, never the GUI's.
#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QDateTime>
#include <QHash>
#include <QMultiHash>
#include <QString>
#include <QStringList>

#include <chrono>
#include <optional>

namespace launchdeck::registry {

// A user name and password (or token) for a registry; never logged, never shown.
struct RegistryCredentials
{
    QString username;
    QString password;
};

struct RegistryEndpoint
{
    QString host;          // "registry.example.com:5000"; "docker.io" means Docker Hub
    bool insecure = false; // plain HTTP, as the daemon's insecure-registries allows
    QString caFile;        // a CA to trust besides the system's (the daemon's certs.d/HOST/ca.crt)
    // false: TLS whatever signs the certificate, as the daemon speaks to an insecure registry
    // that has TLS.
    bool verifyPeer = true;
    std::optional<RegistryCredentials> credentials;
    std::chrono::milliseconds timeout{15000};
};

// What a registry said, sorted the way a person acts on it.
enum class RegistryFailure {
    Unreachable,  // refused, timed out, no such host
    UnknownCA,    // TLS: its certificate is signed by an authority this machine does not trust
    NotTls,       // TLS: it speaks plain HTTP (an insecure registry)
    Unauthorized, // credentials missing or refused
    Denied,       // signed in, not allowed
    NotFound,     // no such repository, tag or blob
    RateLimited,  // too many requests; retryAfter says how long to wait
    Protocol,     // an answer that is not the Registry API
};

struct ManifestInfo
{
    QString digest;         // of the manifest the reference names ("sha256:…")
    QString mediaType;      // of that manifest; an index for multi-platform images
    QString platformDigest; // for an index: the linux/amd64 manifest's digest, else = digest
    std::optional<QDateTime> created; // the image config's "created", when it says
};

class RegistryClient final
{
public:
    explicit RegistryClient(RegistryEndpoint endpoint);
    ~RegistryClient();
    RegistryClient(const RegistryClient&) = delete;
    RegistryClient& operator=(const RegistryClient&) = delete;

    // Failures are Errors whose message names the registry and what was asked, in the
    // registry's words, and whose `where` is the registry's host; lastFailure() sorts the last
    // one for a caller that acts on it (a Log in… for Unauthorized, a wait when rate limited).

    // GET /v2/: whether the registry answers, signing in when it asks.
    Result<bool> ping();
    // Every tag of `repository` ("shop/web"), following the Link header page by page
    // (`pageSize` tags a page), in the registry's order.
    Result<QStringList> tags(const QString& repository, int pageSize = 100);
    // The manifest `reference` (a tag or a digest) names, its digest and the image's creation
    // time (from the config blob; for an index, of its linux/amd64 image).
    Result<ManifestInfo> manifest(const QString& repository, const QString& reference);

    RegistryFailure lastFailure() const { return m_lastFailure; }
    std::optional<int> lastRetryAfterSeconds() const { return m_retryAfter; }

    // "https://HOST" (or http:// when insecure); Docker Hub's API host for "docker.io".
    QString baseUrl() const;

    struct Answer
    {
        int status = 0;
        QByteArray body;
        QMultiHash<QByteArray, QByteArray> headers; // names lower-case
        QByteArray header(const QByteArray& name) const { return headers.value(name); }
    };

private:
    // One request with the sign-in the registry asked for; a 401 is answered once.
    Result<Answer> request(const QString& pathOrUrl, const QByteArray& accept, const QString& scope,
                           const QString& what);
    Result<Answer> send(const QString& url, const QByteArray& accept,
                        const QByteArray& authorization, const QString& what);
    Result<QByteArray> signIn(const QByteArray& challenge, const QString& scope,
                              const QString& what);
    Error fail(RegistryFailure failure, const QString& message,
               std::optional<int> retryAfter = std::nullopt);
    Error answerError(const Answer& answer, const QString& what);

    RegistryEndpoint m_endpoint;
    QHash<QString, QByteArray> m_authorization; // by scope: the header last accepted
    RegistryFailure m_lastFailure = RegistryFailure::Protocol;
    std::optional<int> m_retryAfter;
};

// The repository part of an image reference as its registry names it: "nginx" on Docker Hub is
// "library/nginx".
QString repositoryPath(const QString& host, const QString& repository);

} // namespace launchdeck::registry
