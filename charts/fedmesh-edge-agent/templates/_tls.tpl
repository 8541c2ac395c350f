{{/*
Mutual TLS for the agent: its client certificate carries spiffe://fedmesh.io/ns/<ns>/site/<site>,
where <ns> is the EdgeSite's namespace (siteNamespace, else the operator's: operatorNamespace).
The coordinator lets a site act only as itself. Modes: secret (default), certManager, insecure.
*/}}

{{- define "fedmesh-edge-agent.tlsDir" -}}/etc/fedmesh/tls{{- end -}}

{{- define "fedmesh-edge-agent.identityNamespace" -}}
{{- .Values.siteNamespace | default .Values.operatorNamespace -}}
{{- end -}}

{{/* The SPIFFE identity of this site (identity contract of issue 9). */}}
{{- define "fedmesh-edge-agent.spiffeId" -}}
spiffe://fedmesh.io/ns/{{ include "fedmesh-edge-agent.identityNamespace" . }}/site/{{ .Values.site }}
{{- end -}}

{{/* The Secret holding tls.crt, tls.key and ca.crt; fails the render with how to get one when unset. */}}
{{- define "fedmesh-edge-agent.tlsSecretName" -}}
{{- $tls := .Values.tls -}}
{{- if eq $tls.mode "secret" -}}
{{- if not $tls.secretName -}}
{{- fail (printf "tls.secretName is required when tls.mode is secret (the default): issue the site's certificate with `fedmesh certs issue --site %[1]s --namespace %[2]s --out certs/` (with the mesh CA), store it with `kubectl create secret generic fedmesh-site-%[1]s-tls --from-file=certs/tls.crt --from-file=certs/tls.key --from-file=certs/ca.crt` and set tls.secretName=fedmesh-site-%[1]s-tls; or set tls.mode=certManager (with tls.certManager.issuerRef.name), or tls.mode=insecure for plaintext" .Values.site (include "fedmesh-edge-agent.identityNamespace" .)) -}}
{{- end -}}
{{- $tls.secretName -}}
{{- else if eq $tls.mode "certManager" -}}
{{- $tls.secretName | default (printf "%s-tls" (include "fedmesh-edge-agent.fullname" .)) -}}
{{- end -}}
{{- end -}}

{{- define "fedmesh-edge-agent.tlsArgs" -}}
{{- if eq .Values.tls.mode "insecure" -}}
- --insecure
{{- else -}}
- --tls-dir={{ include "fedmesh-edge-agent.tlsDir" . }}
{{- end -}}
{{- end -}}

{{- define "fedmesh-edge-agent.tlsVolumeMount" -}}
{{- if ne .Values.tls.mode "insecure" -}}
- name: tls
  mountPath: {{ include "fedmesh-edge-agent.tlsDir" . }}
  readOnly: true
{{- end -}}
{{- end -}}

{{- define "fedmesh-edge-agent.tlsVolume" -}}
{{- if ne .Values.tls.mode "insecure" -}}
- name: tls
  secret:
    secretName: {{ include "fedmesh-edge-agent.tlsSecretName" . }}
{{- end -}}
{{- end -}}
