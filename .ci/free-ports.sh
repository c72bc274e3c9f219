# Exports free ports for every component of the all-in-one stack (CI machines may run other things on the defaults).
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
for v in PERENNIAL_CONSOLE_PORT PERENNIAL_INGEST_PORT PERENNIAL_DRIFT_PORT PERENNIAL_TRAINER_PORT \
         PERENNIAL_REGISTRY_PORT PERENNIAL_WORKER_PORT PERENNIAL_KAFKA_PORT PERENNIAL_KAFKA_CONTROLLER_PORT PERENNIAL_PG_PORT; do
  export "$v=$(free_port)"
done
