{{- define "fedmesh-operator.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fedmesh-operator.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "fedmesh-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fedmesh-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "fedmesh-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "fedmesh-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fedmesh
{{- end -}}

{{- define "fedmesh-operator.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The operator's permissions, defined once: the five kinds with status and finalizers, events, leases. */}}
{{- define "fedmesh-operator.rbacRules" -}}
- apiGroups: ["fedmesh.io"]
  resources: ["edgesites", "distributedmodels", "federatedtrainings", "hpcclusters", "simulationbursts"]
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
- apiGroups: ["fedmesh.io"]
  resources: ["edgesites/status", "distributedmodels/status", "federatedtrainings/status", "hpcclusters/status", "simulationbursts/status"]
  verbs: ["get", "update", "patch"]
- apiGroups: ["fedmesh.io"]
  resources: ["edgesites/finalizers", "distributedmodels/finalizers", "federatedtrainings/finalizers", "hpcclusters/finalizers", "simulationbursts/finalizers"]
  verbs: ["update"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "patch"]
- apiGroups: ["events.k8s.io"]
  resources: ["events"]
  verbs: ["create", "patch"]
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
{{- end -}}

{{- define "fedmesh-operator.securityContext" -}}
runAsNonRoot: true
runAsUser: 65532
runAsGroup: 65532
readOnlyRootFilesystem: true
allowPrivilegeEscalation: false
capabilities:
  drop: ["ALL"]
seccompProfile:
  type: RuntimeDefault
{{- end -}}
