{{/*
Mutual TLS for the bridge: its server certificate carries spiffe://fedmesh.io/ns/<ns>/bridge/<release>
and the Service's DNS names; it accepts clients of the same CA (the operator). Modes: secret
(default), certManager, insecure.
*/}}

{{- define "fedmesh-hpc-bridge.tlsDir" -}}/etc/fedmesh/tls{{- end -}}

{{/* The Secret holding tls.crt, tls.key and ca.crt; fails the render with how to get one when unset. */}}
{{- define "fedmesh-hpc-bridge.tlsSecretName" -}}
{{- $tls := .Values.tls -}}
{{- $svc := include "fedmesh-hpc-bridge.fullname" . -}}
{{- if eq $tls.mode "secret" -}}
{{- if not $tls.secretName -}}
{{- fail (printf "tls.secretName is required when tls.mode is secret (the default): issue a certificate with `fedmesh certs issue --bridge %[3]s --namespace %[1]s --host %[2]s.%[1]s.svc --out certs/`, store it with `kubectl -n %[1]s create secret generic %[2]s-tls --from-file=certs/tls.crt --from-file=certs/tls.key --from-file=certs/ca.crt` and set tls.secretName=%[2]s-tls; or set tls.mode=certManager (with tls.certManager.issuerRef.name), or tls.mode=insecure for plaintext" .Release.Namespace $svc .Release.Name) -}}
{{- end -}}
{{- $tls.secretName -}}
{{- else if eq $tls.mode "certManager" -}}
{{- $tls.secretName | default (printf "%s-tls" $svc) -}}
{{- end -}}
{{- end -}}

{{/* The SPIFFE identity of this bridge (identity contract of issue 9): named after the release. */}}
{{- define "fedmesh-hpc-bridge.spiffeId" -}}
spiffe://fedmesh.io/ns/{{ .Release.Namespace }}/bridge/{{ .Release.Name }}
{{- end -}}

{{- define "fedmesh-hpc-bridge.tlsArgs" -}}
{{- if eq .Values.tls.mode "insecure" -}}
- --insecure
{{- else -}}
- --tls-dir={{ include "fedmesh-hpc-bridge.tlsDir" . }}
{{- end -}}
{{- end -}}

{{- define "fedmesh-hpc-bridge.tlsVolumeMount" -}}
{{- if ne .Values.tls.mode "insecure" -}}
- name: tls
  mountPath: {{ include "fedmesh-hpc-bridge.tlsDir" . }}
  readOnly: true
{{- end -}}
{{- end -}}

{{- define "fedmesh-hpc-bridge.tlsVolume" -}}
{{- if ne .Values.tls.mode "insecure" -}}
- name: tls
  secret:
    secretName: {{ include "fedmesh-hpc-bridge.tlsSecretName" . }}
{{- end -}}
{{- end -}}
