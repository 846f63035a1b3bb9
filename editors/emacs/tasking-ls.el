;;; tasking-ls.el --- tasking-ls with eglot for satellite tasking order requests -*- lexical-binding: t -*-

;; A major mode for order request files (`*_tasking_request.json'), derived from js-mode
;; (`js-json-mode' is Emacs 29+), so that Emacs's own JSON tooling does not run on them a
;; second time, and its registration with eglot (built in on Emacs 29+, Debian's
;; `elpa-eglot' on 28).  Load this file, then `M-x eglot' (or `eglot-ensure' in the hook).

;;; Code:

(require 'eglot)

(defgroup tasking-ls nil "Satellite tasking order requests." :group 'languages)

(defcustom tasking-ls-program "tasking-ls"
  "The tasking-ls binary (a name on PATH or a path)."
  :type 'string)

(define-derived-mode tasking-request-mode js-mode "Tasking"
  "Major mode for satellite tasking order requests (JSON)."
  (setq-local js-indent-level 2))

(add-to-list 'auto-mode-alist '("_tasking_request\\.json\\'" . tasking-request-mode))

;; eglot sends the mode's name without "-mode" as the languageId unless told: the server
;; expects `tasking-request'.
(add-to-list 'eglot-server-programs
             `((tasking-request-mode :language-id "tasking-request")
               . ,(lambda (&rest _) (list tasking-ls-program "serve"))))

(provide 'tasking-ls)
;;; tasking-ls.el ends here
