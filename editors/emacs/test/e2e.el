;;; e2e.el --- eglot + tasking-ls end to end, in batch mode -*- lexical-binding: t -*-

;; Run by editors/emacs/test/run.sh: emacs --batch -l e2e.el, with TASKING_LS (the server)
;; and TASKING_DIR (a folder holding broken_tasking_request.json and
;; compact_tasking_request.json).  Each check prints "ok NAME" or "FAIL NAME: why"; the exit
;; status is the number of failures.

(require 'package)
(package-initialize)
(add-to-list 'load-path (expand-file-name ".." (file-name-directory load-file-name)))
(require 'tasking-ls)
(require 'flymake)

(defvar e2e-dir (file-name-as-directory (getenv "TASKING_DIR")))
(defvar e2e-failures 0)
(setq tasking-ls-program (getenv "TASKING_LS"))
(setq eglot-sync-connect 30 eglot-connect-timeout 60)
;; A folder without version control is a project of its own (project.el's transient).
(add-hook 'project-find-functions (lambda (_dir) (cons 'transient e2e-dir)))

(defun e2e-check (name ok &optional why)
  (if ok
      (princ (format "ok %s\n" name))
    (setq e2e-failures (1+ e2e-failures))
    (princ (format "FAIL %s: %s\n" name (or why "")))))

(defun e2e-wait (predicate seconds)
  "Process events until PREDICATE holds or SECONDS pass; its last value."
  (let ((deadline (+ (float-time) seconds)) value)
    (while (and (not (setq value (funcall predicate))) (< (float-time) deadline))
      (accept-process-output nil 0.1))
    value))

(defun e2e-goto (needle)
  (goto-char (point-min))
  (search-forward needle)
  (backward-char 2))

(defun e2e-request (method params)
  (jsonrpc-request (eglot--current-server-or-lose) method params))

(defun e2e-diagnostic-texts ()
  (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))

(condition-case err
    (progn
      (find-file (concat e2e-dir "broken_tasking_request.json"))
      (e2e-check "the order file gets tasking-request-mode" (eq major-mode 'tasking-request-mode))
      (call-interactively #'eglot)
      (e2e-check "eglot connects" (e2e-wait #'eglot-current-server 30))
      (let ((server (eglot-current-server)))
        (e2e-check "the server negotiated a position encoding or kept UTF-16"
                   (jsonrpc-running-p server)))
      ;; Diagnostics are pushed (eglot 1.9 has no pull).
      (e2e-check "diagnostics arrive (push)"
                 (e2e-wait (lambda () (seq-find (lambda (m) (string-match-p "acquisitionEnd" m))
                                                (e2e-diagnostic-texts)))
                           30)
                 (format "%S" (e2e-diagnostic-texts)))
      ;; eglot's workspace/didChangeConfiguration with empty settings (sent on connect, and
      ;; again here): the server keeps its defaults, so an edit still gets its errors.
      (eglot-signal-didChangeConfiguration (eglot--current-server-or-lose))
      (goto-char (point-max))
      (insert " ")
      (e2e-wait (lambda () nil) 1)
      (e2e-check "empty settings keep the defaults (errors still reported after an edit)"
                 (e2e-wait (lambda () (seq-find (lambda (m) (string-match-p "acquisitionEnd" m))
                                                (e2e-diagnostic-texts)))
                           30)
                 (format "%S" (e2e-diagnostic-texts)))
      ;; Hover on a value.
      (e2e-goto "\"reflectance\"")
      (let* ((hover (e2e-request :textDocument/hover (eglot--TextDocumentPositionParams)))
             (contents (and hover (plist-get hover :contents)))
             (text (format "%S" contents)))
        (e2e-check "hover names the field" (string-match-p "adiometric" text) text))
      ;; Completion in the value of geometricProcessing.
      (e2e-goto "\"ortho-rectified\"")
      (let* ((result (e2e-request :textDocument/completion (eglot--CompletionParams)))
             (items (if (vectorp result) result (plist-get result :items)))
             (labels (mapcar (lambda (i) (plist-get i :label)) items)))
        (e2e-check "completion offers the allowed values"
                   (seq-find (lambda (l) (string-match-p "ortho" l)) labels)
                   (format "%S" labels)))
      ;; A code action: the quick fix of the enum near miss, applied.
      (e2e-goto "\"ortho-rectified\"")
      (let* ((beg (line-beginning-position)) (end (line-end-position))
             (actions (e2e-request :textDocument/codeAction
                                   (list :textDocument (eglot--TextDocumentIdentifier)
                                         :range (list :start (eglot--pos-to-lsp-position beg)
                                                      :end (eglot--pos-to-lsp-position end))
                                         :context (list :diagnostics
                                                        (vconcat (delq nil (mapcar (lambda (d) (cdr (assoc 'eglot-lsp-diag (flymake-diagnostic-data d))))
                                                                                   (flymake-diagnostics beg end))))))))
             (fix (seq-find (lambda (a) (and (plist-get a :edit) (equal (plist-get a :kind) "quickfix")))
                            actions)))
        (e2e-check "a quick fix is offered" fix (format "%S" actions))
        (when fix
          (eglot--apply-workspace-edit (plist-get fix :edit))
          (e2e-check "the quick fix edits the buffer"
                     (not (string-match-p "ortho-rectified" (buffer-string)))
                     (buffer-string))))
      ;; Formatting a one-line order.
      (find-file (concat e2e-dir "compact_tasking_request.json"))
      (eglot--maybe-activate-editing-mode)
      (e2e-wait (lambda () (eglot-managed-p)) 10)
      (let ((before (count-lines (point-min) (point-max))))
        (eglot-format-buffer)
        (e2e-check "formatting lays the order out on several lines"
                   (> (count-lines (point-min) (point-max)) (+ before 5))
                   (buffer-string)))
      (eglot-shutdown (eglot--current-server-or-lose)))
  (error (e2e-check "no error" nil (format "%S" err))))

(kill-emacs e2e-failures)
