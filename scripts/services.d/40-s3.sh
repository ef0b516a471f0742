# An S3-compatible server for the S3 source and blob tests: moto's server mode
# (the python3 first on PATH has moto 5) with signature checking on. moto
# checks signatures only against keys made through its IAM API, so the first
# three requests (let through unauthenticated) create a user, its policy and
# an access key; every request after that must be signed with that key.
# Publishes DOCTAG_TEST_S3_ENDPOINT, DOCTAG_TEST_S3_BUCKET,
# DOCTAG_TEST_S3_ACCESS_KEY_ID and DOCTAG_TEST_S3_SECRET_ACCESS_KEY (tests
# set AWS_* themselves, so no other test signs by accident).
# Sourced by scripts/services.sh (free_port, wait_port, export_env).

s3_start() {
  local port py keys
  # The machine's Python with moto: the python3 on PATH, else pyenv's.
  py=""
  for cand in "$(command -v python3)" "$HOME"/.pyenv/versions/*/bin/python3 /root/.pyenv/versions/*/bin/python3; do
    if [ -x "$cand" ] && "$cand" -c 'import moto.server, boto3' 2>/dev/null; then py=$cand; break; fi
  done
  if [ -z "$py" ]; then
    echo "services: no python3 with moto found: S3 tests will be skipped" >&2
    return 0
  fi
  port=$(free_port)
  INITIAL_NO_AUTH_ACTION_COUNT=3 MOTO_PORT=$port \
    "$py" -m moto.server -H 127.0.0.1 -p "$port" </dev/null >"$DOCTAG_SERVICES_DIR/s3.log" 2>&1 &
  echo $! > "$DOCTAG_SERVICES_DIR/s3.pid"
  wait_port "$port" 30
  keys=$("$py" - "$port" <<'PY'
import json, sys
import boto3
ep = "http://127.0.0.1:%s" % sys.argv[1]
iam = boto3.client("iam", endpoint_url=ep, region_name="us-east-1",
                   aws_access_key_id="AKIAINITIALSETUP", aws_secret_access_key="setup")
iam.create_user(UserName="doctag")
iam.put_user_policy(UserName="doctag", PolicyName="all", PolicyDocument=json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}))
k = iam.create_access_key(UserName="doctag")["AccessKey"]
s3 = boto3.client("s3", endpoint_url=ep, region_name="us-east-1",
                  aws_access_key_id=k["AccessKeyId"], aws_secret_access_key=k["SecretAccessKey"])
s3.create_bucket(Bucket="doctag-test")
print(k["AccessKeyId"], k["SecretAccessKey"])
PY
  ) || { echo "services: setting up moto failed (see $DOCTAG_SERVICES_DIR/s3.log)" >&2; return 1; }
  export_env DOCTAG_TEST_S3_ENDPOINT "http://127.0.0.1:$port"
  export_env DOCTAG_TEST_S3_BUCKET doctag-test
  export_env DOCTAG_TEST_S3_ACCESS_KEY_ID "${keys%% *}"
  export_env DOCTAG_TEST_S3_SECRET_ACCESS_KEY "${keys#* }"
}

s3_stop() {
  stop_pidfile s3
}
