// SPDX-License-Identifier: GPL-2.0
/*
 * tickdev_hello - the smallest module kbuild can make, loaded by the
 * harness test to prove the guest runs modules built against its headers.
 */
#include <linux/module.h>
#include <linux/printk.h>

static int __init tickdev_hello_init(void)
{
	pr_info("tickdev_hello: loaded\n");
	return 0;
}

static void __exit tickdev_hello_exit(void)
{
	pr_info("tickdev_hello: unloaded\n");
}

module_init(tickdev_hello_init);
module_exit(tickdev_hello_exit);
MODULE_DESCRIPTION("tickdev guest-harness probe module");
MODULE_LICENSE("GPL");
