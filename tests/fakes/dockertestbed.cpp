// The Docker tests' common set-up: daemon, endpoint, negotiated client, busybox containers.
#include "fakes/dockertestbed.h"

namespace launchdeck::test {

bool DockerTestBed::start(QString* error)
{
    if (!m_daemon.start(error))
        return false;
    const Result<DockerEndpoint> endpoint = DockerEndpoint::parse(m_daemon.host());
    if (!endpoint) {
        if (error)
            *error = endpoint.error().toString();
        return false;
    }
    m_endpoint = *endpoint;
    m_client = std::make_unique<DockerClient>(m_endpoint);
    const Result<DockerVersion> version = m_client->negotiate();
    if (!version) {
        if (error)
            *error = version.error().toString();
        return false;
    }
    m_version = *version;
    return true;
}

DockerContainerSpec DockerTestBed::busyboxSpec(const QString& name, const QStringList& cmd,
                                               const QMap<QString, QString>& env,
                                               const QMap<QString, QString>& labels, bool tty)
{
    DockerContainerSpec spec;
    spec.name = name;
    spec.image = QStringLiteral("busybox:local");
    spec.cmd = cmd;
    spec.env = env;
    spec.labels = labels;
    spec.tty = tty;
    return spec;
}

Result<QString> DockerTestBed::run(const DockerContainerSpec& spec, bool start)
{
    const Result<QString> id = m_client->createContainer(spec);
    if (!id || !start)
        return id;
    const Result<bool> started = m_client->startContainer(*id);
    if (!started)
        return started.error();
    return id;
}

} // namespace launchdeck::test
