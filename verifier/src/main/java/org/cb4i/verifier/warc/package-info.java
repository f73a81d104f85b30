/**
 * Reading a dataset's WARC files ([VER-8]): records found by their {@code WARC-Record-ID} wherever they are, the
 * manifest's places taken when they account for every byte, duplicates and unnamed records found
 * ({@link org.cb4i.verifier.warc.WarcIndex}).
 */
package org.cb4i.verifier.warc;
