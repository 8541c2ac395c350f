{{- define "fedmesh-edge-agent.fullname" -}}
{{- printf "fedmesh-agent-%s" .Values.site | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fedmesh-edge-agent.selectorLabels" -}}
app.kubernetes.io/name: fedmesh-edge-agent
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "fedmesh-edge-agent.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "fedmesh-edge-agent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fedmesh
fedmesh.io/site: {{ .Values.site }}
{{- end -}}

{{- define "fedmesh-edge-agent.tokenSecret" -}}
{{- .Values.token.existingSecret | default (printf "%s-token" (include "fedmesh-edge-agent.fullname" .)) -}}
{{- end -}}
