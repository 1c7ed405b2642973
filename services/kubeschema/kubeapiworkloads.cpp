// The API server's rules for the spec of each workload kind (apps, batch, autoscaling) and of
// Services: counts that must not be negative, selectors that must select their own template,
// restart policies each controller accepts, rollout strategies, Service ports.
#include "kubeschema/kubeapicheck.h"
#include "kubeschema/kubeapiformat.h"

#include <charconv>
#include <set>

namespace launchdeck::kubeapi {

namespace {

const QString kInvalidValue = QStringLiteral("invalid-value");
// kube-linter's name for the same finding, kept so that one name means one thing.
const QString kMismatch = QStringLiteral("mismatching-selector");
const QString kRequired = QStringLiteral("required-value");

QString groupOf(const QString& apiVersion)
{
    const qsizetype slash = apiVersion.indexOf(u'/');
    return slash < 0 ? QString() : apiVersion.left(slash);
}

// Where a finding about a template's labels points: the labels, else the template.
YAML::Node templateLabelsNode(const YAML::Node& podTemplate)
{
    const YAML::Node metadata = child(podTemplate, "metadata");
    return either(child(metadata, "labels"), either(metadata, podTemplate));
}

void reportMismatch(ApiCheck& check, const YAML::Node& podTemplate, const QString& templatePath)
{
    const YAML::Node labels = child(child(podTemplate, "metadata"), "labels");
    check.report(templateLabelsNode(podTemplate), kMismatch,
                 invalidValue(templatePath + QStringLiteral(".metadata.labels"),
                              labelsJson(labelMapOf(labels)),
                              QStringLiteral("`selector` does not match template `labels`")));
}

// spec.selector of apps/v1 workloads: valid, not empty, and selecting the template's pods.
// `emptyWord` is how the API server names the kind in its refusal of an empty selector.
void checkWorkloadSelector(ApiCheck& check, const YAML::Node& spec, const char* emptyWord)
{
    const YAML::Node selector = child(spec, "selector");
    if (!selector.IsMap())
        return; // absent: the schema requires it
    const bool usable = check.labelSelector(selector, QStringLiteral("spec.selector"));
    if (selectorIsEmpty(selector)) {
        check.report(
            selector, kInvalidValue,
            invalidValue(
                QStringLiteral("spec.selector"), selectorJson(selector),
                QStringLiteral("empty selector is invalid for %1").arg(QLatin1String(emptyWord))));
        return; // an empty selector selects everything
    }
    const YAML::Node podTemplate = child(spec, "template");
    if (usable &&
        !selectorMatches(selector, labelMapOf(child(child(podTemplate, "metadata"), "labels"))))
        reportMismatch(check, podTemplate, QStringLiteral("spec.template"));
}

// The controllers that keep pods running accept only restartPolicy Always, and no deadline.
void checkAlwaysRestarts(ApiCheck& check, const YAML::Node& spec, const char* controller)
{
    const YAML::Node podSpec = child(child(spec, "template"), "spec");
    const YAML::Node policy = child(podSpec, "restartPolicy");
    if (const auto value = stringOf(policy); value && *value != "Always") {
        check.report(policy, kInvalidValue,
                     unsupportedValue(QStringLiteral("spec.template.spec.restartPolicy"), *value,
                                      {QStringLiteral("Always")}));
    }
    const YAML::Node deadline = child(podSpec, "activeDeadlineSeconds");
    if (isSet(deadline)) {
        check.report(deadline, kInvalidValue,
                     forbidden(QStringLiteral("spec.template.spec.activeDeadlineSeconds"),
                               QStringLiteral("activeDeadlineSeconds in %1 is not Supported")
                                   .arg(QLatin1String(controller))));
    }
}

void checkIntOrPercent(ApiCheck& check, const YAML::Node& node, const QString& path)
{
    if (const auto number = integerOf(node); number && *number < 0) {
        check.report(node, kInvalidValue,
                     invalidValue(path, QString::number(*number),
                                  QStringLiteral("must be greater than or equal to 0")));
    } else if (const auto text = stringOf(node)) {
        const QStringList errors = percentErrors(*text);
        check.invalidEach(node, kInvalidValue, path, *text, errors);
        qint64 percent = 0;
        std::from_chars(text->data(), text->data() + text->size() - 1, percent);
        if (errors.isEmpty() && path.endsWith(u"maxUnavailable") && percent > 100) {
            check.report(node, kInvalidValue,
                         invalidValue(path, goQuoted(*text),
                                      QStringLiteral("must not be greater than 100%")));
        }
    }
}

bool isZero(const YAML::Node& node)
{
    if (const auto number = integerOf(node))
        return *number == 0;
    const auto text = stringOf(node);
    return text && *text == "0%";
}

void checkDeploymentStrategy(ApiCheck& check, const YAML::Node& spec)
{
    const YAML::Node strategy = child(spec, "strategy");
    const YAML::Node typeNode = child(strategy, "type");
    const auto type = stringOf(typeNode);
    const YAML::Node rolling = child(strategy, "rollingUpdate");
    if (type && *type == "Recreate") {
        if (isSet(rolling)) {
            check.report(rolling, kInvalidValue,
                         forbidden(QStringLiteral("spec.strategy.rollingUpdate"),
                                   QStringLiteral("may not be specified when strategy `type` is "
                                                  "'Recreate'")));
        }
        return;
    }
    if (type && *type != "RollingUpdate") {
        // The API server prints the whole strategy, as JSON.
        check.report(typeNode, kInvalidValue,
                     QStringLiteral("spec.strategy: Unsupported value: {\"type\":%1}: supported "
                                    "values: \"Recreate\", \"RollingUpdate\"")
                         .arg(goQuoted(*type)));
        return;
    }
    const YAML::Node unavailable = child(rolling, "maxUnavailable");
    const YAML::Node surge = child(rolling, "maxSurge");
    checkIntOrPercent(check, unavailable,
                      QStringLiteral("spec.strategy.rollingUpdate.maxUnavailable"));
    checkIntOrPercent(check, surge, QStringLiteral("spec.strategy.rollingUpdate.maxSurge"));
    if (isZero(unavailable) && isZero(surge)) {
        check.report(
            unavailable, kInvalidValue,
            invalidValue(QStringLiteral("spec.strategy.rollingUpdate.maxUnavailable"),
                         integerOf(unavailable) ? QStringLiteral("0") : QStringLiteral("\"0%\""),
                         QStringLiteral("may not be 0 when `maxSurge` is 0")));
    }
}

void checkReplicated(ApiCheck& check, const YAML::Node& spec)
{
    check.nonNegative(spec, "replicas", QStringLiteral("spec.replicas"));
    check.nonNegative(spec, "minReadySeconds", QStringLiteral("spec.minReadySeconds"));
}

void checkDeployment(ApiCheck& check, const YAML::Node& spec)
{
    checkReplicated(check, spec);
    checkWorkloadSelector(check, spec, "deployment");
    checkPodTemplate(check, child(spec, "template"), QStringLiteral("spec.template"));
    checkAlwaysRestarts(check, spec, "ReplicaSet");
    checkDeploymentStrategy(check, spec);
    check.nonNegative(spec, "revisionHistoryLimit", QStringLiteral("spec.revisionHistoryLimit"));
    const YAML::Node deadlineNode = child(spec, "progressDeadlineSeconds");
    check.nonNegative(spec, "progressDeadlineSeconds",
                      QStringLiteral("spec.progressDeadlineSeconds"));
    const auto deadline = integerOf(deadlineNode);
    const qint64 minReady = integerOf(child(spec, "minReadySeconds")).value_or(0);
    if (deadline && *deadline <= minReady) {
        check.report(deadlineNode, kInvalidValue,
                     invalidValue(QStringLiteral("spec.progressDeadlineSeconds"),
                                  QString::number(*deadline),
                                  QStringLiteral("must be greater than minReadySeconds")));
    }
}

void checkStatefulSet(ApiCheck& check, const YAML::Node& spec)
{
    checkReplicated(check, spec);
    const YAML::Node policy = child(spec, "podManagementPolicy");
    if (const auto value = stringOf(policy);
        value && *value != "OrderedReady" && *value != "Parallel") {
        check.report(policy, kInvalidValue,
                     invalidValue(QStringLiteral("spec.podManagementPolicy"), goQuoted(*value),
                                  QStringLiteral("must be 'OrderedReady' or 'Parallel'")));
    }
    checkWorkloadSelector(check, spec, "statefulset");
    // The API server does not validate a StatefulSet's pod spec, only its template's metadata.
    checkPodTemplateMetadata(check, child(spec, "template"), QStringLiteral("spec.template"));
    checkAlwaysRestarts(check, spec, "StatefulSet");
}

void checkDaemonSet(ApiCheck& check, const YAML::Node& spec)
{
    checkWorkloadSelector(check, spec, "daemonset");
    checkPodTemplate(check, child(spec, "template"), QStringLiteral("spec.template"));
    checkAlwaysRestarts(check, spec, "DaemonSet");
    check.nonNegative(spec, "minReadySeconds", QStringLiteral("spec.minReadySeconds"));
    check.nonNegative(spec, "revisionHistoryLimit", QStringLiteral("spec.revisionHistoryLimit"));
}

void checkReplicationController(ApiCheck& check, const YAML::Node& spec)
{
    checkReplicated(check, spec);
    const YAML::Node selector = child(spec, "selector");
    check.labels(selector, QStringLiteral("spec.selector"));
    const YAML::Node podTemplate = child(spec, "template");
    LabelMap wanted = labelMapOf(selector);
    const LabelMap labels = labelMapOf(child(child(podTemplate, "metadata"), "labels"));
    for (const auto& entry : wanted) {
        if (!labels.contains(entry)) {
            reportMismatch(check, podTemplate, QStringLiteral("spec.template"));
            break;
        }
    }
    checkPodTemplate(check, podTemplate, QStringLiteral("spec.template"));
    checkAlwaysRestarts(check, spec, "ReplicationController");
}

// What a Job and a CronJob's job template share.
void checkJobSpec(ApiCheck& check, const YAML::Node& spec, const QString& path)
{
    for (const char* field : {"parallelism", "completions", "activeDeadlineSeconds", "backoffLimit",
                              "ttlSecondsAfterFinished"})
        check.nonNegative(spec, field, path + u'.' + QString::fromLatin1(field));
    const QString templatePath = path + QStringLiteral(".template");
    checkPodTemplate(check, child(spec, "template"), templatePath);
    // Unset, the pod spec's restartPolicy defaults to Always, which a Job refuses.
    const YAML::Node policy = child(child(child(spec, "template"), "spec"), "restartPolicy");
    const auto value = stringOf(policy);
    const QString policyPath = templatePath + QStringLiteral(".spec.restartPolicy");
    if (!isSet(policy) || (value && (value->empty() || *value == "Always"))) {
        check.report(either(policy, either(child(spec, "template"), spec)), kRequired,
                     requiredValue(policyPath, QStringLiteral("valid values: \"OnFailure\", "
                                                              "\"Never\"")));
    } else if (value && *value != "OnFailure" && *value != "Never") {
        check.report(policy, kInvalidValue,
                     unsupportedValue(policyPath, *value,
                                      {QStringLiteral("OnFailure"), QStringLiteral("Never")}));
    }
}

void checkJob(ApiCheck& check, const YAML::Node& spec)
{
    const YAML::Node selector = child(spec, "selector");
    const YAML::Node manual = child(spec, "manualSelector");
    const bool manualSelector = manual.IsScalar() && manual.Scalar() == "true";
    const YAML::Node podTemplate = child(spec, "template");
    if (selector.IsMap()) {
        const bool usable = check.labelSelector(selector, QStringLiteral("spec.selector"));
        if (!manualSelector) {
            check.report(selector, kMismatch,
                         invalidValue(QStringLiteral("spec.selector"), selectorJson(selector),
                                      QStringLiteral("`selector` not auto-generated")));
        } else if (usable &&
                   !selectorMatches(selector,
                                    labelMapOf(child(child(podTemplate, "metadata"), "labels")))) {
            reportMismatch(check, podTemplate, QStringLiteral("spec.template"));
        }
    }
    // The Job's name becomes the value of the job-name labels of its pods.
    const YAML::Node name = child(child(check.root(), "metadata"), "name");
    if (const auto text = stringOf(name); !manualSelector && text && text->size() > 63) {
        check.report(name, QStringLiteral("invalid-name"),
                     invalidValue(QStringLiteral("spec.template.labels"), goQuoted(*text),
                                  QStringLiteral("must be no more than 63 bytes")));
    }
    checkJobSpec(check, spec, QStringLiteral("spec"));
}

void checkCronJob(ApiCheck& check, const YAML::Node& spec)
{
    // Each Job is named after the CronJob and an 11-character suffix, within 63.
    const YAML::Node name = child(child(check.root(), "metadata"), "name");
    if (const auto text = stringOf(name); text && text->size() > 52) {
        check.report(name, QStringLiteral("invalid-name"),
                     invalidValue(QStringLiteral("metadata.name"), goQuoted(*text),
                                  QStringLiteral("must be no more than 52 characters")));
    }
    for (const char* field :
         {"startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"})
        check.nonNegative(spec, field, QStringLiteral("spec.") + QString::fromLatin1(field));
    const YAML::Node policy = child(spec, "concurrencyPolicy");
    if (const auto value = stringOf(policy);
        value && *value != "Allow" && *value != "Forbid" && *value != "Replace") {
        check.report(policy, kInvalidValue,
                     unsupportedValue(QStringLiteral("spec.concurrencyPolicy"), *value,
                                      {QStringLiteral("Allow"), QStringLiteral("Forbid"),
                                       QStringLiteral("Replace")}));
    }
    const YAML::Node jobTemplate = child(spec, "jobTemplate");
    const QString path = QStringLiteral("spec.jobTemplate");
    checkPodTemplateMetadata(check, jobTemplate, path);
    if (const YAML::Node jobSpec = child(jobTemplate, "spec"); jobSpec.IsMap())
        checkJobSpec(check, jobSpec, path + QStringLiteral(".spec"));
}

void checkAutoscaler(ApiCheck& check, const YAML::Node& spec)
{
    const YAML::Node minNode = child(spec, "minReplicas");
    const YAML::Node maxNode = child(spec, "maxReplicas");
    const auto minimum = integerOf(minNode);
    const auto maximum = integerOf(maxNode);
    if (minimum && *minimum < 1) {
        check.report(minNode, kInvalidValue,
                     invalidValue(QStringLiteral("spec.minReplicas"), QString::number(*minimum),
                                  QStringLiteral("must be greater than or equal to 1")));
    }
    if (maximum && *maximum < 1) {
        check.report(maxNode, kInvalidValue,
                     invalidValue(QStringLiteral("spec.maxReplicas"), QString::number(*maximum),
                                  QStringLiteral("must be greater than 0")));
    }
    if (minimum && maximum && *maximum < *minimum) {
        check.report(
            maxNode, kInvalidValue,
            invalidValue(QStringLiteral("spec.maxReplicas"), QString::number(*maximum),
                         QStringLiteral("must be greater than or equal to `minReplicas`")));
    }
}

void checkServicePort(ApiCheck& check, const YAML::Node& port, const QString& path, bool nameNeeded,
                      const std::string& type, std::set<std::string>& names)
{
    const YAML::Node nameNode = child(port, "name");
    const auto name = stringOf(nameNode);
    const QString namePath = path + QStringLiteral(".name");
    if (nameNeeded && (!isSet(nameNode) || (name && name->empty()))) {
        check.report(either(nameNode, port), kRequired, requiredValue(namePath));
    } else if (name && !name->empty()) {
        check.invalidEach(nameNode, QStringLiteral("invalid-name"), namePath, *name,
                          dns1123LabelErrors(*name));
        if (!names.insert(*name).second)
            check.report(nameNode, QStringLiteral("duplicate-name"),
                         duplicateValue(namePath, *name));
    }
    const YAML::Node number = child(port, "port");
    if (const auto value = integerOf(number)) {
        check.invalidEach(number, kInvalidValue, path + QStringLiteral(".port"),
                          QString::number(*value), portNumberErrors(*value));
    }
    const YAML::Node protocol = child(port, "protocol");
    if (const auto value = stringOf(protocol);
        value && *value != "TCP" && *value != "UDP" && *value != "SCTP") {
        check.report(protocol, kInvalidValue,
                     unsupportedValue(
                         path + QStringLiteral(".protocol"), *value,
                         {QStringLiteral("SCTP"), QStringLiteral("TCP"), QStringLiteral("UDP")}));
    }
    // 0 and "" are replaced by the port itself before validation.
    const YAML::Node target = child(port, "targetPort");
    const QString targetPath = path + QStringLiteral(".targetPort");
    if (const auto value = integerOf(target); value && *value != 0) {
        check.invalidEach(target, kInvalidValue, targetPath, QString::number(*value),
                          portNumberErrors(*value));
    } else if (const auto text = stringOf(target); text && !text->empty()) {
        check.invalidEach(target, QStringLiteral("invalid-name"), targetPath, *text,
                          portNameErrors(*text));
    }
    const YAML::Node nodePort = child(port, "nodePort");
    if (const auto value = integerOf(nodePort); value && *value != 0) {
        const QString nodePath = path + QStringLiteral(".nodePort");
        if (type == "ClusterIP" || type == "ExternalName") {
            check.report(nodePort, kInvalidValue,
                         forbidden(nodePath, QStringLiteral("may not be used when `type` is '%1'")
                                                 .arg(QString::fromStdString(type))));
        } else {
            check.invalidEach(nodePort, kInvalidValue, nodePath, QString::number(*value),
                              portNumberErrors(*value));
        }
    }
}

void checkService(ApiCheck& check, const YAML::Node& spec)
{
    const YAML::Node typeNode = child(spec, "type");
    const std::string type = stringOf(typeNode).value_or("ClusterIP");
    if (isSet(typeNode) && type != "ClusterIP" && type != "NodePort" && type != "LoadBalancer" &&
        type != "ExternalName") {
        check.report(
            typeNode, kInvalidValue,
            unsupportedValue(QStringLiteral("spec.type"), type,
                             {QStringLiteral("ClusterIP"), QStringLiteral("ExternalName"),
                              QStringLiteral("LoadBalancer"), QStringLiteral("NodePort")}));
    }
    check.labels(child(spec, "selector"), QStringLiteral("spec.selector"));
    const YAML::Node ports = child(spec, "ports");
    const YAML::Node clusterIp = child(spec, "clusterIP");
    const bool headless = clusterIp.IsScalar() && clusterIp.Scalar() == "None";
    if ((!ports.IsSequence() || ports.size() == 0) && !headless && type != "ExternalName") {
        if (!isSet(ports) || ports.IsSequence())
            check.report(either(ports, spec), kRequired,
                         requiredValue(QStringLiteral("spec.ports")));
        return;
    }
    if (!ports.IsSequence())
        return;
    std::set<std::string> names;
    int index = 0;
    for (const YAML::Node& port : ports) {
        checkServicePort(check, port, QStringLiteral("spec.ports[%1]").arg(index++),
                         ports.size() > 1, type, names);
    }
}

} // namespace

void checkKindSpec(ApiCheck& check)
{
    const KubeObject& object = check.object();
    const QString group = groupOf(object.apiVersion);
    const QString& kind = object.kind;
    const YAML::Node spec = child(object.node, "spec");
    if (group.isEmpty()) {
        if (kind == u"Pod")
            checkPodSpec(check, spec, QStringLiteral("spec"));
        else if (kind == u"PodTemplate")
            checkPodTemplate(check, child(object.node, "template"), QStringLiteral("template"));
        else if (kind == u"ReplicationController" && spec.IsMap())
            checkReplicationController(check, spec);
        else if (kind == u"Service" && spec.IsMap())
            checkService(check, spec);
        return;
    }
    if (group == u"batch" && kind == u"CronJob") {
        checkCronJob(check, spec); // its name is checked with or without a spec
        return;
    }
    if (!spec.IsMap())
        return;
    if (group == u"apps") {
        if (kind == u"Deployment")
            checkDeployment(check, spec);
        else if (kind == u"ReplicaSet")
            checkDeployment(check, spec);
        else if (kind == u"StatefulSet")
            checkStatefulSet(check, spec);
        else if (kind == u"DaemonSet")
            checkDaemonSet(check, spec);
    } else if (group == u"batch") {
        if (kind == u"Job")
            checkJob(check, spec);
    } else if (group == u"autoscaling" && kind == u"HorizontalPodAutoscaler") {
        checkAutoscaler(check, spec);
    }
}

} // namespace launchdeck::kubeapi
