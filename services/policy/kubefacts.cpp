// The checks that relate objects to each other, run over small facts kept per object: a
// manifest file of any length is checked one document at a time, and only these facts outlive
// a document. Also the entry points that check a set: one call for objects already in memory,
// KubeSetChecker for documents arriving one by one.
//
// Cross-object checks run only where the set can answer them: Services against workloads only
// when the set holds workloads (a file of Services alone may front workloads applied from
// elsewhere), ServiceAccounts only when the set defines some.
#include "policy/kubefacts.h"

#include "core/units.h"
#include "policy/kubepolicy.h"

#include <algorithm>
#include <cmath>

namespace launchdeck {

namespace kubecheck {

namespace {

quint64 ruleBit(Rule rule)
{
    return quint64(1) << static_cast<int>(rule);
}

// The rules an object opts out of with kube-linter's annotations, as Reporter::ignores().
quint64 ignoredRules(const KubeObject& object)
{
    const YAML::Node annotations = child(child(object.node, "metadata"), "annotations");
    if (!annotations.IsMap())
        return 0;
    quint64 ignored = 0;
    for (const auto& entry : annotations) {
        if (!entry.first.IsScalar())
            continue;
        const QString name = text(entry.first);
        if (name == u"kube-linter.io/ignore-all")
            return ~quint64(0);
        for (int rule = 0; rule < static_cast<int>(Rule::Count); ++rule) {
            if (name == kubeLinterIgnoreAnnotation(ruleOf(static_cast<Rule>(rule)).name))
                ignored |= ruleBit(static_cast<Rule>(rule));
        }
    }
    return ignored;
}

Subject subjectOf(const KubeObject& object)
{
    return {object.path,           object.displayName(),    object.nameSpace,
            yamlLine(object.node), yamlColumn(object.node), ignoredRules(object)};
}

PlacedValue placed(const YAML::Node& node)
{
    PlacedValue value;
    if (!node.IsDefined())
        return value;
    value.defined = true;
    value.text = text(node);
    value.integer = integerOf(node);
    value.line = yamlLine(node);
    value.column = yamlColumn(node);
    return value;
}

// Reporter::report() for an object known only by its facts.
void report(Rule rule, const Subject& subject, const PlacedValue& at, const QString& message,
            std::optional<ValidationLevel> level, Diagnostics& out)
{
    const PolicyRule& entry = ruleOf(rule);
    const bool runs = level ? !entry.semantic && *level >= entry.minimumLevel : entry.semantic;
    if (!runs || (subject.ignored & ruleBit(rule)) != 0)
        return;
    out.append({subject.path, at.defined ? at.line : subject.line,
                at.defined ? at.column : subject.column, entry.severity, entry.name,
                subject.display + u": " + message});
}

// An int-or-percent field of a disruption budget, resolved against `replicas` as the
// disruption controller does (percentages round up).
std::optional<qint64> resolveCount(const PlacedValue& value, qint64 replicas)
{
    if (value.integer)
        return value.integer;
    const QString trimmed = value.text.trimmed();
    if (!trimmed.endsWith(u'%'))
        return std::nullopt;
    bool ok = false;
    const qint64 percent = QStringView(trimmed).chopped(1).toLongLong(&ok);
    if (!ok)
        return std::nullopt;
    return static_cast<qint64>(std::ceil(static_cast<double>(replicas * percent) / 100.0));
}

WorkloadFacts workloadFacts(const KubeObject& object, const Workload& workload)
{
    WorkloadFacts facts;
    facts.subject = subjectOf(object);
    facts.labels = workload.labels;
    facts.replicas = workload.replicas;
    for (const Container& container : workload.containers) {
        if (container.init)
            continue; // init containers have finished before traffic arrives
        const YAML::Node ports = child(container.node, "ports");
        if (!ports.IsSequence())
            continue;
        for (const YAML::Node& port : ports) {
            if (const auto number = integerOf(child(port, "containerPort"))) {
                facts.portNumbers.insert(*number);
                facts.anyPort = true;
            }
            if (const QString name = text(child(port, "name")); !name.isEmpty())
                facts.portNames.insert(name);
        }
    }
    facts.serviceAccount = placed(either(child(workload.podSpec, "serviceAccountName"),
                                         child(workload.podSpec, "serviceAccount")));
    return facts;
}

std::optional<ServiceFacts> serviceFacts(const KubeObject& object)
{
    const YAML::Node spec = child(object.node, "spec");
    const YAML::Node selectorNode = child(spec, "selector");
    ServiceFacts facts;
    facts.selector = LabelSelector::fromMap(selectorNode);
    if (text(child(spec, "type")) == u"ExternalName" || facts.selector.isEmpty())
        return std::nullopt; // no selector: endpoints are managed by hand
    facts.subject = subjectOf(object);
    facts.selectorAt = placed(selectorNode);
    const YAML::Node ports = child(spec, "ports");
    if (ports.IsSequence()) {
        for (const YAML::Node& port : ports) {
            const YAML::Node target = either(child(port, "targetPort"), child(port, "port"));
            if (!target.IsDefined() || !target.IsScalar())
                continue;
            // An invalid name is the per-object check's finding; a number out of range too,
            // but it is still compared with the pods' ports.
            if (integerOf(target) || isPortName(text(target)))
                facts.targets.append(placed(target));
        }
    }
    return facts;
}

std::optional<BudgetFacts> budgetFacts(const KubeObject& object)
{
    const YAML::Node spec = child(object.node, "spec");
    BudgetFacts facts;
    facts.maxUnavailable = placed(child(spec, "maxUnavailable"));
    facts.minAvailable = placed(child(spec, "minAvailable"));
    if (!facts.maxUnavailable.defined && !facts.minAvailable.defined)
        return std::nullopt;
    facts.subject = subjectOf(object);
    facts.selector = LabelSelector::fromLabelSelector(child(spec, "selector"));
    return facts;
}

} // namespace

void KubeFacts::add(const QList<KubeObject>& objects)
{
    for (int i = 0; i < objects.size(); ++i) {
        const KubeObject& object = objects[i];
        if (!object.name.isEmpty()) { // generateName: the server picks a fresh name
            const QString key = object.kind + u'\n' + object.nameSpace + u'\n' + object.name;
            const YAML::Node nameNode = child(child(object.node, "metadata"), "name");
            const auto first = m_firstDefinition.constFind(key);
            if (first == m_firstDefinition.constEnd()) {
                m_firstDefinition.insert(key, {object.path, yamlLine(nameNode)});
            } else {
                const QString line = QString::number(first->second);
                m_duplicates.append({subjectOf(object), placed(nameNode)});
                m_duplicateFirsts.append(first->first == object.path
                                             ? QString(u"line " + line)
                                             : QString(first->first + u':' + line));
            }
        }
        if (object.kind == u"ServiceAccount") {
            m_serviceAccounts[object.name].append(object.nameSpace);
        } else if (object.kind == u"Service") {
            if (auto facts = serviceFacts(object))
                m_services.append(std::move(*facts));
        } else if (object.kind == u"PodDisruptionBudget") {
            if (auto facts = budgetFacts(object))
                m_budgets.append(std::move(*facts));
        } else if (const auto workload = workloadOf(object, i)) {
            const int position = static_cast<int>(m_workloads.size());
            m_workloads.append(workloadFacts(object, *workload));
            const Labels& labels = m_workloads.last().labels;
            for (auto it = labels.cbegin(); it != labels.cend(); ++it)
                m_workloadsByLabel[it.key() + u'=' + it.value()].append(position);
        }
    }
}

QList<const WorkloadFacts*> KubeFacts::selectedBy(const LabelSelector& selector,
                                                  const QString& nameSpace) const
{
    QList<const WorkloadFacts*> selected;
    if (selector.isEmpty())
        return selected;
    // The rarest of the selector's labels bounds the candidates; expressions alone fall back
    // to a scan, which selectors in practice never are.
    const QList<int>* candidates = nullptr;
    for (const auto& [key, value] : selector.matchLabels()) {
        const auto it = m_workloadsByLabel.constFind(key + u'=' + value);
        if (it == m_workloadsByLabel.constEnd())
            return selected;
        if (!candidates || it->size() < candidates->size())
            candidates = &*it;
    }
    const auto consider = [&](const WorkloadFacts& workload) {
        if (namespacesMeet(workload.subject.nameSpace, nameSpace) &&
            selector.matches(workload.labels))
            selected.append(&workload);
    };
    if (candidates) {
        for (const int position : *candidates)
            consider(m_workloads[position]);
    } else {
        for (const WorkloadFacts& workload : m_workloads)
            consider(workload);
    }
    return selected;
}

void KubeFacts::checkSemantics(Diagnostics& out) const
{
    for (qsizetype i = 0; i < m_duplicates.size(); ++i) {
        const auto& [subject, name] = m_duplicates[i];
        report(Rule::DuplicateResource, subject, name,
               QStringLiteral("defined again (first at %1); applying the set keeps only the last")
                   .arg(m_duplicateFirsts[i]),
               std::nullopt, out);
    }
    if (m_workloads.isEmpty())
        return; // see the top
    for (const ServiceFacts& service : m_services) {
        const QList<const WorkloadFacts*> selected =
            selectedBy(service.selector, service.subject.nameSpace);
        if (selected.isEmpty()) {
            report(Rule::DanglingService, service.subject, service.selectorAt,
                   QStringLiteral("selector (%1) matches the pods of no workload in the set")
                       .arg(service.selector.toString()),
                   std::nullopt, out);
            continue;
        }
        for (const WorkloadFacts* workload : selected) {
            const QString& owner = workload->subject.display;
            for (const PlacedValue& target : service.targets) {
                // Without declared ports a numeric target still reaches the process:
                // containerPort is informational. With some declared, a missing one is a
                // mistake.
                if (target.integer) {
                    if (workload->anyPort && !workload->portNumbers.contains(*target.integer)) {
                        report(Rule::InvalidTargetPorts, service.subject, target,
                               QStringLiteral("targetPort %1 is not a container port of the pods "
                                              "of %2")
                                   .arg(*target.integer)
                                   .arg(owner),
                               std::nullopt, out);
                    }
                } else if (!workload->portNames.contains(target.text)) {
                    report(Rule::InvalidTargetPorts, service.subject, target,
                           QStringLiteral("targetPort '%1' is not a port name of the pods of %2")
                               .arg(target.text, owner),
                           std::nullopt, out);
                }
            }
        }
    }
}

void KubeFacts::checkPolicies(ValidationLevel level, Diagnostics& out) const
{
    // Only a set that defines ServiceAccounts says which exist; others live in the cluster.
    if (!m_serviceAccounts.isEmpty()) {
        for (const WorkloadFacts& workload : m_workloads) {
            const QString& account = workload.serviceAccount.text;
            if (account.isEmpty() || account == u"default")
                continue;
            const QStringList defined = m_serviceAccounts.value(account);
            if (std::none_of(defined.begin(), defined.end(), [&](const QString& nameSpace) {
                    return namespacesMeet(nameSpace, workload.subject.nameSpace);
                })) {
                report(Rule::NonExistentServiceAccount, workload.subject, workload.serviceAccount,
                       QStringLiteral("uses ServiceAccount '%1', which the set does not define")
                           .arg(account),
                       level, out);
            }
        }
    }
    for (const BudgetFacts& budget : m_budgets) {
        for (const WorkloadFacts* target : selectedBy(budget.selector, budget.subject.nameSpace)) {
            // Without a replica count (DaemonSets, Jobs, bare pods) nothing can be judged.
            if (!target->replicas || *target->replicas < 1)
                continue;
            const qint64 replicas = *target->replicas;
            const QString& owner = target->subject.display;
            if (resolveCount(budget.maxUnavailable, replicas) == 0) {
                report(Rule::PdbMaxUnavailable, budget.subject, budget.maxUnavailable,
                       QStringLiteral("maxUnavailable %1 lets no pod of %2 be evicted; node "
                                      "drains block")
                           .arg(budget.maxUnavailable.text, owner),
                       level, out);
                break;
            }
            if (const auto kept = resolveCount(budget.minAvailable, replicas);
                kept && *kept >= replicas) {
                report(Rule::PdbMinAvailable, budget.subject, budget.minAvailable,
                       QStringLiteral("minAvailable %1 is not below the %2 replicas of %3; node "
                                      "drains block")
                           .arg(budget.minAvailable.text)
                           .arg(replicas)
                           .arg(owner),
                       level, out);
                break;
            }
        }
    }
}

} // namespace kubecheck

void checkKubeSemantics(const QList<KubeObject>& objects, Diagnostics& out)
{
    kubecheck::checkObjectSemantics(objects, out);
    kubecheck::KubeFacts facts;
    facts.add(objects);
    facts.checkSemantics(out);
}

void checkKubePolicies(const QList<KubeObject>& objects, ValidationLevel level, Diagnostics& out)
{
    kubecheck::checkObjectPolicies(objects, level, out);
    kubecheck::KubeFacts facts;
    facts.add(objects);
    facts.checkPolicies(level, out);
}

KubeSetChecker::KubeSetChecker(ValidationLevel level, Diagnostics& out)
    : m_level(level)
    , m_out(out)
    , m_facts(std::make_unique<kubecheck::KubeFacts>())
{}

KubeSetChecker::~KubeSetChecker() = default;

void KubeSetChecker::add(const QList<KubeObject>& objects)
{
    if (m_level != ValidationLevel::Basic)
        kubecheck::checkObjectSemantics(objects, m_out);
    kubecheck::checkObjectPolicies(objects, m_level, m_out);
    m_facts->add(objects);
}

void KubeSetChecker::finish()
{
    if (m_level != ValidationLevel::Basic)
        m_facts->checkSemantics(m_out);
    m_facts->checkPolicies(m_level, m_out);
}

} // namespace launchdeck
