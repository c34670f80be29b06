package scripts

// BackupSh holds the four steps of the backups and of the restore, each run by one container
// of a backup Job (CronJob) or of a restore Job:
//
//	backup.sh dump     (mongo image, init container) mongodump --archive --gzip of the database
//	                   of MONGODB_URI into BACKUP_DIR/dump.archive.gz; BACKUP_DIR/timestamp
//	                   holds the UTC time it started (YYYYMMDDTHHMMSSZ)
//	backup.sh upload   (aws-cli image) uploads it to s3://S3_BUCKET/S3_PREFIX<timestamp>.archive.gz,
//	                   then deletes the other dumps under S3_PREFIX older than RETENTION_DAYS
//	                   (0: none)
//	backup.sh fetch    (aws-cli image, init container of a restore) downloads the dump DUMP (a
//	                   timestamp or an object name under S3_PREFIX; "latest": the newest)
//	backup.sh restore  (mongo image) mongorestore --archive --gzip --drop of it
//
// Retention is done by the job itself, after a successful upload: it lists S3_PREFIX, keeps
// only the names it writes (<timestamp>.archive.gz, nothing else is ever touched), and deletes
// those whose timestamp is older than the cutoff, one DeleteObject each (S3, GCS's XML API and
// MinIO all serve it; DeleteObjects needs a Content-MD5 that third-party stores handle
// unevenly). A failed dump or upload deletes nothing. Bucket lifecycle rules would need
// bucket-administration rights and differ between S3, GCS and MinIO.
//
// The connection string reaches mongodump and mongorestore through a --config file (mode
// 0600, in CONF_DIR, a memory volume of the pod, deleted after use), never the command line
// (ps, /proc) nor the logs. S3 credentials come from AWS_ACCESS_KEY_ID and
// AWS_SECRET_ACCESS_KEY (secretKeyRef) or the pod's cloud identity. S3_ENDPOINT (empty: AWS)
// selects MinIO, GCS (https://storage.googleapis.com with an HMAC key) or another store;
// S3_FORCE_PATH_STYLE=true uses path-style addressing (MinIO). The pods set
// AWS_REQUEST_CHECKSUM_CALCULATION and AWS_RESPONSE_CHECKSUM_VALIDATION to when_required: since
// AWS CLI 2.23 the default CRC checksums break uploads to several S3-compatible stores
// (aws/aws-cli#9214, boto/s3transfer#327).
const BackupSh = `#!/bin/bash
# MongoDB backups and restores (see modules/mongodb/internal/scripts).
#   backup.sh dump|upload|fetch|restore
set -euo pipefail
dir=${BACKUP_DIR:-/backup}
# Files holding a credential or a setting go to CONF_DIR (a memory volume), the dump to dir.
conf_dir=${CONF_DIR:-$dir}
dump_re='^([0-9]{8}T[0-9]{6}Z)\.archive\.gz$'

# s3cli ARGS...: the AWS CLI against the configured store.
s3cli() {
	if [ "${S3_FORCE_PATH_STYLE:-false}" = true ]; then
		export AWS_CONFIG_FILE=$conf_dir/aws.config
		printf '[default]\ns3 =\n  addressing_style = path\n' >"$AWS_CONFIG_FILE"
	fi
	if [ -n "${S3_ENDPOINT:-}" ]; then
		aws --endpoint-url "$S3_ENDPOINT" "$@"
	else
		aws "$@"
	fi
}

# dumps: the names of this job's dumps under S3_PREFIX, oldest first.
dumps() {
	local key name
	s3cli s3api list-objects-v2 --bucket "$S3_BUCKET" --prefix "$S3_PREFIX" --query 'Contents[].[Key]' --output text |
		while read -r key; do
			name=${key#"$S3_PREFIX"}
			if [[ $name =~ $dump_re ]]; then echo "$name"; fi
		done | sort
}

# tool_config: the mongodump/mongorestore configuration file holding the connection string.
tool_config() {
	umask 077
	printf "uri: '%s'\n" "${MONGODB_URI//\'/\'\'}" >"$conf_dir/tool.yaml"
	echo "$conf_dir/tool.yaml"
}

ca_args=()
if [ -n "${MONGODB_CA_FILE:-}" ]; then ca_args=(--sslCAFile="$MONGODB_CA_FILE"); fi

case ${1:-} in
dump)
	date -u +%Y%m%dT%H%M%SZ >"$dir/timestamp"
	conf=$(tool_config)
	trap 'rm -f "$conf"' EXIT
	mongodump --config="$conf" --archive="$dir/dump.archive.gz" --gzip ${ca_args[@]+"${ca_args[@]}"}
	echo "backup: dumped $(wc -c <"$dir/dump.archive.gz") bytes"
	;;
upload)
	new="$(cat "$dir/timestamp").archive.gz"
	key=$S3_PREFIX$new
	s3cli s3 cp --only-show-errors "$dir/dump.archive.gz" "s3://$S3_BUCKET/$key"
	echo "backup: uploaded s3://$S3_BUCKET/$key"
	days=${RETENTION_DAYS:-0}
	if [ "$days" -le 0 ]; then
		echo "backup: retention off, every dump is kept"
		exit 0
	fi
	cutoff=$(date -u -d "@$(($(date -u +%s) - days * 86400))" +%Y%m%dT%H%M%SZ)
	deleted=0
	while read -r name; do
		# Never the dump just uploaded, whatever the clocks say.
		if [ "$name" = "$new" ] || ! [[ $name =~ $dump_re ]]; then continue; fi
		if [[ ${BASH_REMATCH[1]} < $cutoff ]]; then
			s3cli s3 rm --only-show-errors "s3://$S3_BUCKET/$S3_PREFIX$name"
			echo "backup: deleted $S3_PREFIX$name (older than $days days)"
			deleted=$((deleted + 1))
		fi
	done < <(dumps)
	echo "backup: retention of $days days: $deleted old dumps deleted"
	;;
fetch)
	name=${DUMP:-latest}
	if [ "$name" = latest ]; then
		name=$(dumps | tail -n 1)
		if [ -z "$name" ]; then
			echo "restore: no dump under s3://$S3_BUCKET/$S3_PREFIX" >&2
			exit 1
		fi
	fi
	case $name in *.archive.gz) ;; *) name=$name.archive.gz ;; esac
	s3cli s3 cp --only-show-errors "s3://$S3_BUCKET/$S3_PREFIX$name" "$dir/dump.archive.gz"
	echo "restore: fetched s3://$S3_BUCKET/$S3_PREFIX$name"
	;;
restore)
	conf=$(tool_config)
	trap 'rm -f "$conf"' EXIT
	mongorestore --config="$conf" --archive="$dir/dump.archive.gz" --gzip --drop ${ca_args[@]+"${ca_args[@]}"}
	echo "restore: done"
	;;
*)
	echo "usage: backup.sh dump|upload|fetch|restore" >&2
	exit 2
	;;
esac
`
