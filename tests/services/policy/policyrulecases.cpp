// Manifests for kube-linter's policy rules: one edit of the hardened set (or a small object)
// that triggers each rule, and a near miss that must not.
#include "policycases.h"

using launchdeck::Severity;

namespace {

const QByteArray kJob = R"(apiVersion: batch/v1
kind: Job
metadata:
  name: report
  namespace: shop
spec:
  template: # <-
    spec:
      restartPolicy: Never
      containers:
        - name: report
          image: registry.example.com/report:2.0
)";

const QByteArray kAppName =
    "        - name: app\n          image: registry.example.com/web:1.4.2\n";
const QByteArray kMarkedAppName =
    "        - name: app # <-\n          image: registry.example.com/web:1.4.2\n";
const QByteArray kAffinityBlock = "      affinity:\n"
                                  "        podAntiAffinity:\n"
                                  "          preferredDuringSchedulingIgnoredDuringExecution:\n"
                                  "            - weight: 100\n"
                                  "              podAffinityTerm:\n"
                                  "                topologyKey: kubernetes.io/hostname\n"
                                  "                labelSelector:\n"
                                  "                  matchLabels:\n"
                                  "                    app: web\n";
const QByteArray kServiceAccountObject = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n"
                                         "  name: web\n  namespace: shop\n---\n";
const QByteArray kBudgetSelector = "AlwaysAllow\n  selector:\n    matchLabels:\n      app: web\n";

QByteArray budget(const QByteArray& lines)
{
    return edited(hardenedSet(), {{kBudget, lines}});
}

QByteArray ingress(const QByteArray& apiVersion)
{
    return "apiVersion: " + apiVersion +
           "\nkind: Ingress\nmetadata:\n  name: web\n  namespace: shop\nspec:\n"
           "  defaultBackend:\n    service:\n      name: web\n      port:\n        number: 80\n";
}

} // namespace

QList<PolicyCase> policyRuleCases()
{
    const QByteArray set = hardenedSet();
    CaseList c;

    // Critical policies
    c.trigger("privileged-container", Severity::Critical, "privileged: true",
              withAppSecurity("            privileged: true # <-\n"
                              "            readOnlyRootFilesystem: true\n"
                              "            capabilities:\n              drop: [ALL]\n"));
    c.clean("privileged-container", "privileged: false",
            withAppSecurity("            privileged: false\n"
                            "            allowPrivilegeEscalation: false\n"));
    c.trigger("docker-sock", Severity::Critical, "the Docker socket mounted",
              hostPathMount("/var/run/docker.sock", true));
    c.clean("docker-sock", "an emptyDir mounted where the socket would be",
            edited(set, {{"              mountPath: /tmp\n",
                          "              mountPath: /var/run/docker.sock\n"}}));
    c.trigger(
        "host-pid", Severity::Critical, "hostPID: true",
        edited(set, {{kServiceAccountName, kServiceAccountName + "      hostPID: true # <-\n"}}));
    c.clean("host-pid", "hostPID: false",
            edited(set, {{kServiceAccountName, kServiceAccountName + "      hostPID: false\n"}}));
    c.trigger("host-network", Severity::Critical, "hostNetwork: true",
              edited(set, {{kServiceAccountName,
                            kServiceAccountName + "      hostNetwork: true # <-\n"}}));
    c.clean(
        "host-network", "hostNetwork: false",
        edited(set, {{kServiceAccountName, kServiceAccountName + "      hostNetwork: false\n"}}));
    c.trigger("sensitive-host-mounts", Severity::Critical, "/etc/ mounted",
              hostPathMount("/etc/", true));
    c.trigger("sensitive-host-mounts", Severity::Critical, "a path under /proc",
              hostPathMount("/proc/1/root", true));
    c.clean("sensitive-host-mounts", "/etc/localtime is not /etc",
            hostPathMount("/etc/localtime", false));

    // High
    c.trigger("privilege-escalation-container", Severity::High, "allowPrivilegeEscalation: true",
              withAppSecurity("            allowPrivilegeEscalation: true # <-\n"
                              "            readOnlyRootFilesystem: true\n"));
    c.trigger("privilege-escalation-container", Severity::High, "SYS_ADMIN added",
              withAppSecurity("            readOnlyRootFilesystem: true\n"
                              "            capabilities:\n"
                              "              drop: [ALL]\n"
                              "              add:\n"
                              "                - SYS_ADMIN # <-\n"));
    c.clean("privilege-escalation-container", "allowPrivilegeEscalation: false", set);
    c.trigger(
        "host-ipc", Severity::High, "hostIPC: true",
        edited(set, {{kServiceAccountName, kServiceAccountName + "      hostIPC: true # <-\n"}}));
    c.clean("host-ipc", "hostIPC: false",
            edited(set, {{kServiceAccountName, kServiceAccountName + "      hostIPC: false\n"}}));
    c.trigger("run-as-non-root", Severity::High, "nothing says non-root",
              edited(set, {{kPodSecurity, ""}, {kAppName, kMarkedAppName}}));
    c.trigger("run-as-non-root", Severity::High, "the container overrides with user 0",
              withAppSecurity("            runAsUser: 0 # <-\n"
                              "            allowPrivilegeEscalation: false\n"));
    c.clean("run-as-non-root", "a non-zero runAsUser on the pod is enough",
            edited(set, {{kPodSecurity, "      securityContext:\n        runAsUser: 10001\n"}}));
    c.trigger("latest-tag", Severity::High, "the latest tag",
              edited(set, {{kAppImage, "          image: nginx:latest # <-\n"}}));
    c.trigger("latest-tag", Severity::High, "no tag behind a registry port",
              edited(set, {{kAppImage, "          image: registry.example.com:5000/web # <-\n"}}));
    c.trigger("latest-tag", Severity::High, "an init container's image",
              edited(set, {{"          image: registry.example.com/web-migrate:1.4.2\n",
                            "          image: web-migrate # <-\n"}}));
    c.clean("latest-tag", "a digest pins the image",
            edited(set, {{kAppImage,
                          "          image: nginx@sha256:"
                          "0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31\n"}}));
    c.clean("latest-tag", "a registry port is not a tag",
            edited(set, {{kAppImage, "          image: localhost:5000/web:1.0\n"}}));
    c.trigger("env-var-secret", Severity::High, "a token as a literal",
              edited(set, {{kAppEnv, kAppEnv + "            - name: API_TOKEN\n"
                                               "              value: abc123 # <-\n"}}));
    c.clean("env-var-secret", "a public key is no secret",
            edited(set, {{kAppEnv, kAppEnv + "            - name: SIGNING_PUBLIC_KEY\n"
                                             "              value: ssh-ed25519 AAAA\n"}}));
    c.trigger(
        "unsafe-sysctls", Severity::High, "a net.* sysctl",
        edited(set, {{kPodSecurity, kPodSecurity + "        sysctls:\n"
                                                   "          - name: net.core.somaxconn # <-\n"
                                                   "            value: \"1024\"\n"}}));
    c.clean("unsafe-sysctls", "a sysctl outside the unsafe list",
            edited(set, {{kPodSecurity, kPodSecurity + "        sysctls:\n"
                                                       "          - name: kernel.domainname\n"
                                                       "            value: shop\n"}}));
    c.trigger("non-existent-service-account", Severity::High, "an account the set lacks",
              edited(set, {{kServiceAccountName, "      serviceAccountName: ghost # <-\n"}}));
    c.clean("non-existent-service-account", "a set without ServiceAccounts judges none",
            edited(set, {{kServiceAccountName, "      serviceAccountName: ghost\n"},
                         {kServiceAccountObject, ""}}));
    c.trigger("no-extensions-v1beta", Severity::High, "extensions/v1beta1",
              edited(ingress("extensions/v1beta1"),
                     {{"extensions/v1beta1\n", "extensions/v1beta1 # <-\n"}}));
    c.clean("no-extensions-v1beta", "networking.k8s.io/v1", ingress("networking.k8s.io/v1"));

    // Medium
    c.trigger("unset-cpu-requirements", Severity::Medium, "no CPU request",
              edited(set, {{"              cpu: 250m\n", ""}, {kAppName, kMarkedAppName}}));
    c.clean("unset-cpu-requirements", "a CPU request without a CPU limit", set);
    c.trigger("unset-memory-requirements", Severity::Medium, "no memory limit",
              edited(set, {{"            limits:\n              memory: 256Mi\n", ""},
                           {kAppName, kMarkedAppName}}));
    c.clean("unset-memory-requirements", "a memory limit without a memory request",
            edited(set, {{"              memory: 128Mi\n", ""}}));
    c.trigger("no-read-only-root-fs", Severity::Medium, "readOnlyRootFilesystem: false",
              withAppSecurity("            allowPrivilegeEscalation: false\n"
                              "            readOnlyRootFilesystem: false # <-\n"
                              "            capabilities:\n              drop: [ALL]\n"));
    c.clean("no-read-only-root-fs", "readOnlyRootFilesystem: true", set);
    c.trigger("drop-net-raw-capability", Severity::Medium, "NET_RAW not dropped",
              withAppSecurity("            allowPrivilegeEscalation: false\n"
                              "            readOnlyRootFilesystem: true\n"
                              "            capabilities:\n              drop: [CHOWN] # <-\n"));
    c.trigger("drop-net-raw-capability", Severity::Medium, "NET_RAW added",
              withAppSecurity("            allowPrivilegeEscalation: false\n"
                              "            readOnlyRootFilesystem: true\n"
                              "            capabilities:\n              drop: [ALL]\n"
                              "              add: [NET_BIND_SERVICE,\n"
                              "                    CAP_NET_RAW] # <-\n"));
    c.clean("drop-net-raw-capability", "NET_RAW dropped by name",
            withAppSecurity("            allowPrivilegeEscalation: false\n"
                            "            readOnlyRootFilesystem: true\n"
                            "            capabilities:\n              drop: [NET_RAW]\n"));
    c.trigger("ssh-port", Severity::Medium, "port 22",
              edited(set, {{kAppPorts, kAppPorts + "            - name: ssh\n"
                                                   "              containerPort: 22 # <-\n"}}));
    c.clean("ssh-port", "port 22 over UDP",
            edited(set, {{kAppPorts, kAppPorts + "            - name: ssh\n"
                                                 "              containerPort: 22\n"
                                                 "              protocol: UDP\n"}}));

    // Low and info
    c.trigger("no-anti-affinity", Severity::Low, "three replicas, no anti-affinity",
              edited(set, {{kAffinityBlock, ""}, {"  replicas: 3\n", "  replicas: 3 # <-\n"}}));
    c.trigger("no-anti-affinity", Severity::Low, "anti-affinity across zones only",
              edited(set, {{"kubernetes.io/hostname", "topology.kubernetes.io/zone"},
                           {"  replicas: 3\n", "  replicas: 3 # <-\n"}}));
    c.clean("no-anti-affinity", "one replica needs none",
            edited(set, {{kAffinityBlock, ""}, {"  replicas: 3\n", "  replicas: 1\n"}}));
    c.trigger("job-ttl-seconds-after-finished", Severity::Low, "a standalone Job without TTL",
              kJob);
    c.trigger("job-ttl-seconds-after-finished", Severity::Low, "a CronJob's Job with a TTL",
              "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: nightly\n  namespace: "
              "shop\nspec:\n"
              "  schedule: \"0 3 * * *\"\n  jobTemplate:\n    spec:\n"
              "      ttlSecondsAfterFinished: 600 # <-\n      template:\n        spec:\n"
              "          restartPolicy: Never\n          containers:\n            - name: report\n"
              "              image: registry.example.com/report:2.0\n");
    c.clean("job-ttl-seconds-after-finished", "a Job with a TTL",
            edited(kJob, {{"spec:\n  template: # <-\n",
                           "spec:\n  ttlSecondsAfterFinished: 600\n  template:\n"}}));
    c.trigger("pdb-max-unavailable", Severity::Low, "maxUnavailable: 0",
              budget("  maxUnavailable: 0 # <-\n  unhealthyPodEvictionPolicy: AlwaysAllow\n"));
    c.trigger("pdb-max-unavailable", Severity::Low, "maxUnavailable: 0%",
              budget("  maxUnavailable: 0% # <-\n  unhealthyPodEvictionPolicy: AlwaysAllow\n"));
    c.clean(
        "pdb-max-unavailable", "a budget whose workload is not in the set",
        edited(budget("  maxUnavailable: 0\n  unhealthyPodEvictionPolicy: AlwaysAllow\n"),
               {{kBudgetSelector, "AlwaysAllow\n  selector:\n    matchLabels:\n      app: db\n"}}));
    c.trigger("pdb-min-available", Severity::Low, "minAvailable equals the replicas",
              budget("  minAvailable: 3 # <-\n  unhealthyPodEvictionPolicy: AlwaysAllow\n"));
    c.trigger("pdb-min-available", Severity::Low, "minAvailable 100%",
              budget("  minAvailable: 100% # <-\n  unhealthyPodEvictionPolicy: AlwaysAllow\n"));
    c.clean("pdb-min-available", "minAvailable 50% of 3 rounds up to 2",
            budget("  minAvailable: 50%\n  unhealthyPodEvictionPolicy: AlwaysAllow\n"));
    c.trigger("pdb-unhealthy-pod-eviction-policy", Severity::Low, "no eviction policy",
              budget("  maxUnavailable: 1 # <-\n"));
    c.clean("pdb-unhealthy-pod-eviction-policy", "AlwaysAllow", set);
    c.trigger("deprecated-service-account-field", Severity::Info, "serviceAccount",
              edited(set, {{kServiceAccountName,
                            kServiceAccountName + "      serviceAccount: web # <-\n"}}));
    c.clean("deprecated-service-account-field", "serviceAccountName only", set);
    return c.cases;
}
