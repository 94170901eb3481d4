/work/main/tests/harness/tickdev_hello/tickdev_hello.o
