// Semantic and policy checks over a set of Kubernetes objects (one manifest file, or one render
// of a template), with kube-linter's default checks under kube-linter's names.
#pragma once

#include "core/diagnostic.h"
#include "core/kubeobject.h"

#include <QList>
#include <QString>

#include <memory>

namespace launchdeck {

struct PolicyRule
{
    QString name; // the rule of the diagnostics it produces, e.g. "latest-tag"
    Severity severity = Severity::High;
    // The least thorough level that runs the rule: critical rules run from basic on, the
    // default set from standard, low and info rules only at strict.
    ValidationLevel minimumLevel = ValidationLevel::Standard;
    // True when checkKubeSemantics() runs the rule rather than checkKubePolicies(): a rule that
    // is both a consistency check and a kube-linter check is implemented once, as a semantic one.
    bool semantic = false;
    QString description; // what it finds, and why at this severity
    QString remediation;
};

// Every rule, in a stable order: for documentation, the UI and --help.
const QList<PolicyRule>& kubePolicyRules();
// The rule of that name, or nullptr.
const PolicyRule* findKubePolicyRule(QStringView name);

// Consistency of the set: Service selectors against workload labels, Service ports against
// container ports, probe ports, quantities, duplicates. (What the API server refuses, port numbers
// and names or a selector against its own template, is validateKubeApiRules()'s.) The caller runs
// it from the standard level on. Cross-object findings are only reported when the other side can be
// in the set (see kubesemantics.cpp).
void checkKubeSemantics(const QList<KubeObject>& objects, Diagnostics& out);

// kube-linter's default checks that are not semantic ones, those `level` runs.
void checkKubePolicies(const QList<KubeObject>& objects, ValidationLevel level, Diagnostics& out);

namespace kubecheck {
class KubeFacts;
}

// The semantic (from the standard level on) and policy checks of a set that arrives one
// document at a time, as a manifest file is read: each document's objects are checked when
// added and only small facts about them are kept, so the trees can go; the checks that relate
// objects to each other run at finish(), over the whole set.
class KubeSetChecker final
{
public:
    KubeSetChecker(ValidationLevel level, Diagnostics& out);
    ~KubeSetChecker();
    KubeSetChecker(const KubeSetChecker&) = delete;
    KubeSetChecker& operator=(const KubeSetChecker&) = delete;

    void add(const QList<KubeObject>& objects);
    void finish();

private:
    ValidationLevel m_level;
    Diagnostics& m_out;
    std::unique_ptr<kubecheck::KubeFacts> m_facts;
};

// An object annotated `ignore-check.kube-linter.io/<rule>: "<reason>"` (or
// `kube-linter.io/ignore-all`) gets no finding of that rule, as with kube-linter.
QString kubeLinterIgnoreAnnotation(const QString& rule);

} // namespace launchdeck
