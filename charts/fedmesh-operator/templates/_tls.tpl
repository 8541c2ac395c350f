{{/*
Mutual TLS for the operator: one certificate serves the coordinator (server side, agents dial in)
and is the operator's client certificate towards hpc-bridges (it carries the operator's URI SAN),
so it is mounted once. Modes: secret (default), certManager, insecure.
*/}}

{{- define "fedmesh-operator.tlsDir" -}}/etc/fedmesh/tls{{- end -}}

{{/* The Secret holding tls.crt, tls.key and ca.crt; fails the render with how to get one when unset. */}}
{{- define "fedmesh-operator.tlsSecretName" -}}
{{- $tls := .Values.tls -}}
{{- if eq $tls.mode "secret" -}}
{{- if not $tls.secretName -}}
{{- fail (printf "tls.secretName is required when tls.mode is secret (the default): issue a certificate with `fedmesh certs issue --operator --namespace %[1]s --host %[2]s.%[1]s.svc --out certs/`, store it with `kubectl -n %[1]s create secret generic %[2]s-tls --from-file=certs/tls.crt --from-file=certs/tls.key --from-file=certs/ca.crt` and set tls.secretName=%[2]s-tls; or set tls.mode=certManager (with tls.certManager.issuerRef.name), or tls.mode=insecure for plaintext" .Release.Namespace (include "fedmesh-operator.fullname" .)) -}}
{{- end -}}
{{- $tls.secretName -}}
{{- else if eq $tls.mode "certManager" -}}
{{- $tls.secretName | default (printf "%s-tls" (include "fedmesh-operator.fullname" .)) -}}
{{- end -}}
{{- end -}}

{{/* The SPIFFE identity of the operator (identity contract of issue 9). */}}
{{- define "fedmesh-operator.spiffeId" -}}
spiffe://fedmesh.io/ns/{{ .Release.Namespace }}/operator
{{- end -}}

{{- define "fedmesh-operator.tlsArgs" -}}
{{- if eq .Values.tls.mode "insecure" -}}
- --insecure
{{- else -}}
- --tls-dir={{ include "fedmesh-operator.tlsDir" . }}
{{- end -}}
{{- end -}}

{{- define "fedmesh-operator.tlsVolumeMount" -}}
{{- if ne .Values.tls.mode "insecure" -}}
- name: tls
  mountPath: {{ include "fedmesh-operator.tlsDir" . }}
  readOnly: true
{{- end -}}
{{- end -}}

{{- define "fedmesh-operator.tlsVolume" -}}
{{- if ne .Values.tls.mode "insecure" -}}
- name: tls
  secret:
    secretName: {{ include "fedmesh-operator.tlsSecretName" . }}
{{- end -}}
{{- end -}}
