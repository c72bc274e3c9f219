/** The S3-compatible artifact store (AWS SDK for Java v2 over the JDK's HTTP connection). */
package io.perennial.registry.artifact.s3;
