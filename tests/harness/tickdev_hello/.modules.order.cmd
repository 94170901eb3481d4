cmd_/work/main/tests/harness/tickdev_hello/modules.order := {   echo /work/main/tests/harness/tickdev_hello/tickdev_hello.ko; :; } > /work/main/tests/harness/tickdev_hello/modules.order
