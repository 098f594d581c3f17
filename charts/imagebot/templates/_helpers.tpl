{{- define "imagebot.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "imagebot.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "imagebot.selector" -}}
app.kubernetes.io/name: {{ .root.Chart.Name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "imagebot.image" -}}
{{ printf "%s-%s:%s" .root.Values.image.repository .component (default .root.Chart.AppVersion .root.Values.image.tag) }}
{{- end -}}

{{- define "imagebot.redisUrl" -}}
{{- if .Values.redis.enabled -}}
{{ printf "redis://%s-redis:6379" (include "imagebot.fullname" .) }}
{{- else -}}
{{ required "redis.url is required when redis.enabled is false" .Values.redis.url }}
{{- end -}}
{{- end -}}

{{- define "imagebot.telegramSecret" -}}
{{- default (printf "%s-telegram" (include "imagebot.fullname" .)) .Values.telegram.existingSecret -}}
{{- end -}}

{{- define "imagebot.scrape" -}}
{{- if .root.Values.metrics.annotations }}
prometheus.io/scrape: "true"
prometheus.io/port: {{ .port | quote }}
prometheus.io/path: /metrics
{{- end }}
{{- end -}}
